/* identity.h: who is running mcassess. The operating-system account, from
 * getpwuid(getuid()); no environment variable or flag changes it. */
#ifndef MCASSESS_IDENTITY_H
#define MCASSESS_IDENTITY_H
/* The login name (static storage; "uid<N>" if the account has no passwd entry). */
const char *identity_user(void);
/* The full name from the GECOS field, or the login name. */
const char *identity_fullname(void);
#endif
