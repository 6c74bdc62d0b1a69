/* Error numbers as Xen (and Linux) define them; hypercalls return -E... */
#ifndef LARES_ERRNO_H
#define LARES_ERRNO_H

#define EPERM      1
#define ENOENT     2
#define ESRCH      3
#define EINTR      4
#define EIO        5
#define ENXIO      6
#define E2BIG      7
#define ENOEXEC    8
#define EBADF      9
#define ECHILD    10
#define EAGAIN    11
#define ENOMEM    12
#define EACCES    13
#define EFAULT    14
#define EBUSY     16
#define EEXIST    17
#define EXDEV     18
#define ENODEV    19
#define ENOTDIR   20
#define EISDIR    21
#define EINVAL    22
#define ENFILE    23
#define EMFILE    24
#define ENOSPC    28
#define EROFS     30
#define EMLINK    31
#define EDOM      33
#define ERANGE    34
#define EDEADLK   35
#define ENAMETOOLONG 36
#define ENOLCK    37
#define ENOSYS    38
#define ENOTEMPTY 39
#define ENODATA   61
#define ETIME     62
#define EBADMSG   74
#define EOVERFLOW 75
#define EILSEQ    84
#define ERESTART  85
#define ENOTSOCK  88
#define EOPNOTSUPP 95
#define EADDRINUSE 98
#define EADDRNOTAVAIL 99
#define ENOBUFS  105
#define EISCONN  106
#define ENOTCONN 107
#define ETIMEDOUT 110
#define ECONNREFUSED 111

#endif
