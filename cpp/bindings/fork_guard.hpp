// os.fork() copies a running monitor into the child without its threads (the
// dispatcher, the COM thread) and possibly with a mutex held. The child must
// not touch such a monitor: every call reports it, and its destructor leaks
// it rather than join threads that do not exist there.
#pragma once

namespace pysens2 {

// Installs the pthread_atfork child handler (once; nothing on Windows).
void install_fork_handler();
// Incremented in each child after fork().
unsigned fork_generation();

}  // namespace pysens2
