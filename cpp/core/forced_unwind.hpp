// glibc ends a thread that touches a finalizing Python interpreter with
// pthread_exit, which unwinds as the exception abi::__forced_unwind. A
// catch (...) that swallows it aborts the process, so every catch-all in a
// path that may reach Python must rethrow it first:
//     try { ... } PYSENS2_RETHROW_FORCED_UNWIND catch (...) { ... }
#pragma once

// For each function with such a catch: the forced unwind is a foreign
// exception with no object, so binding the handler's reference is what
// UBSan's null check reports; nothing reads it. (noinline: inlined into a
// caller, the function would lose the attribute.)
#if defined(__GNUC__) || defined(__clang__)
#define PYSENS2_CATCHES_FORCED_UNWIND __attribute__((no_sanitize("null"), noinline))
#else
#define PYSENS2_CATCHES_FORCED_UNWIND
#endif

// PYSENS2_ON_FORCED_UNWIND(statement) runs `statement` and rethrows: for
// what must happen even then (no Python: the thread does not hold the GIL).
#if defined(__GLIBCXX__) && !defined(_WIN32)
#include <cxxabi.h>
#define PYSENS2_ON_FORCED_UNWIND(statement) \
    catch (abi::__forced_unwind&) {         \
        statement;                          \
        throw;                              \
    }
#else
#define PYSENS2_ON_FORCED_UNWIND(statement)
#endif
#define PYSENS2_RETHROW_FORCED_UNWIND PYSENS2_ON_FORCED_UNWIND((void)0)
