# MC_SONAME(VARIABLE, LIBS, PROLOGUE, BODY, NAME-PREFIX)
# The SONAME of a library mcassess loads with dlopen() when first needed rather
# than linking it: link a probe (PROLOGUE/BODY as for AC_LANG_PROGRAM) with LIBS
# and read the NEEDED entry starting NAME-PREFIX with objdump -p. VARIABLE given
# by the user (VARIABLE=libfoo.so.N ./configure) wins. Defines VARIABLE in
# config.h; fails configure when the name cannot be found.
AC_DEFUN([MC_SONAME], [
  AC_REQUIRE([AC_PROG_CC])
  AC_CHECK_TOOL([OBJDUMP], [objdump], [no])
  AC_ARG_VAR([$1], [the shared library ]$5[ is loaded from when first needed (default: found by linking a probe)])
  AC_MSG_CHECKING([for $5's shared library name])
  AS_IF([test "x$$1" = x], [
    mc_save_LIBS=$LIBS
    LIBS="$2 $LIBS"
    AC_LINK_IFELSE([AC_LANG_PROGRAM([$3], [$4])],
      [AS_IF([test "x$OBJDUMP" != xno],
        [$1=`$OBJDUMP -p conftest$EXEEXT 2>/dev/null | sed -n 's/^ *NEEDED *\($5[[^ ]]*\) *$/\1/p' | sed 1q`])])
    LIBS=$mc_save_LIBS])
  AS_IF([test "x$$1" = x],
    [AC_MSG_RESULT([unknown])
     AC_MSG_ERROR([cannot tell $5's shared library name (objdump -p of a program linked with $2); give it as $1=$5.so.N])])
  AC_MSG_RESULT([$$1])
  AC_DEFINE_UNQUOTED([$1], ["$$1"], [the shared library ]$5[ is loaded from when first needed])
])
