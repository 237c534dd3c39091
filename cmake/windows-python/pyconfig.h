/* pyconfig.h for building extension modules with mingw-w64 against the
 * official (MSVC-built, 64-bit) Windows CPython 3.9-3.13.
 *
 * The embeddable Windows distribution ships no headers; scripts/win-python.sh
 * takes the version's Include/ from Debian and puts this file in place of the
 * Linux pyconfig.h. Only what an extension module's compile needs is here:
 * the Windows platform macros, the type sizes of the LLP64 ABI, and DLL
 * import linkage. It never builds the interpreter itself. */
#ifndef Py_CONFIG_H
#define Py_CONFIG_H

#if !defined(_WIN64) || !defined(__MINGW64__)
#error "this pyconfig.h is for mingw-w64 targeting 64-bit Windows CPython"
#endif

#define MS_WIN64
#define MS_WIN32
#define MS_WINDOWS
#define NT_THREADS
#define WITH_THREAD
#define PLATFORM "win32"
#define WORD_BIT 32

/* The core is python3X.dll: its API is imported with __declspec(dllimport). */
#define Py_ENABLE_SHARED 1
#define MS_COREDLL 1
#define HAVE_DECLSPEC_DLL

/* LLP64: long is 32 bits, pointers and size_t 64 (as MSVC built the DLL). */
#define SIZEOF_SHORT 2
#define SIZEOF_INT 4
#define SIZEOF_LONG 4
#define SIZEOF_LONG_LONG 8
#define SIZEOF_DOUBLE 8
#define SIZEOF_FLOAT 4
#define SIZEOF_VOID_P 8
#define SIZEOF_SIZE_T 8
#define SIZEOF_TIME_T 8
#define SIZEOF_OFF_T 4
#define SIZEOF_FPOS_T 8
#define SIZEOF_HKEY 8
#define SIZEOF_WCHAR_T 2
#define SIZEOF__BOOL 1
#define SIZEOF_PID_T SIZEOF_INT
#define SIZEOF_LONG_DOUBLE 8 /* MSVC's long double is a double */
#define ALIGNOF_SIZE_T 8
#define ALIGNOF_LONG 4
#define ALIGNOF_MAX_ALIGN_T 8

/* Py_ssize_t is MSVC's __int64 (mingw-w64's ssize_t is the same type). */
typedef long long Py_ssize_t;
#define HAVE_PY_SSIZE_T 1
#define PY_SSIZE_T_MAX LLONG_MAX

#define HAVE_LONG_LONG 1
#define HAVE_WCHAR_H 1
#define HAVE_STDARG_PROTOTYPES
#define HAVE_USABLE_WCHAR_T
#define HAVE_IO_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_FCNTL_H 1
#define HAVE_ERRNO_H 1
#define HAVE_SIGNAL_H 1
#define HAVE_DYNAMIC_LOADING
#define HAVE_COPYSIGN 1
#define HAVE_ROUND 1
#define HAVE_HYPOT 1
#define DONT_HAVE_SIG_ALARM
#define DONT_HAVE_SIG_PAUSE
#define LONG_BIT 32
#define STDC_HEADERS 1
#define WITH_DOC_STRINGS 1
#define WITH_PYMALLOC 1
#define PY_FORMAT_SIZE_T "ll"

/* The default (GIL) build: Py_GIL_DISABLED stays undefined for 3.13. */

#endif /* Py_CONFIG_H */
