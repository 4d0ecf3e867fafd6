/* upcall.c: a program that calls one function by the name UPCALL (-DUPCALL=...).
 * test_layers.sh links it against one layer and those under it: where UPCALL is
 * defined only in a layer above, the link must fail. Never run. */
void UPCALL(void);

int main(void)
{
	UPCALL();
	return 0;
}
