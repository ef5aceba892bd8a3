"""Makes a running process execute one system call of our choosing, as a
compromised worker would: ptrace attaches while the worker waits in a
system call (poll, accept), rewrites its registers so that its own
`syscall` instruction runs again with another number, and detaches.
The call is never executed under the sandbox -- the filter traps it --
so its arguments (all zero) do not matter.  x86-64 Linux only; needs
the right to ptrace the worker (root, as the tests run).

Chosen over a test-only trigger in articled (docs/security.md): the
release binary carries no hidden way in, and what reaches the kernel is
exactly what injected code would send."""
import ctypes
import ctypes.util
import os
import platform

PTRACE_PEEKTEXT, PTRACE_GETREGS, PTRACE_SETREGS = 1, 12, 13
PTRACE_ATTACH, PTRACE_DETACH = 16, 17
SYSCALL_INSN = b"\x0f\x05"

# glibc's struct user_regs_struct on x86-64, in order.
REGS = ("r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax "
        "rip cs eflags rsp ss fs_base gs_base ds es fs gs").split()


class Regs(ctypes.Structure):
    _fields_ = [(name, ctypes.c_ulonglong) for name in REGS]


NR = {"execve": 59, "socket": 41, "ptrace": 101, "fork": 57, "chmod": 90,
      "setuid": 105}

_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
_libc.ptrace.restype = ctypes.c_long
_libc.ptrace.argtypes = (ctypes.c_long, ctypes.c_int, ctypes.c_void_p,
                         ctypes.c_void_p)


def supported():
    return platform.system() == "Linux" and platform.machine() == "x86_64"


def _ptrace(req, pid, addr=0, data=0):
    ctypes.set_errno(0)
    r = _libc.ptrace(req, pid, ctypes.c_void_p(addr), ctypes.c_void_p(data))
    err = ctypes.get_errno()
    if r == -1 and err != 0:
        raise OSError(err, "ptrace(%d, %d): %s" % (req, pid, os.strerror(err)))
    return r


def _at_syscall(pid, rip):
    word = _ptrace(PTRACE_PEEKTEXT, pid, rip - 2) & 0xFFFFFFFFFFFFFFFF
    return word.to_bytes(8, "little")[:2] == SYSCALL_INSN


def inject(pid, name, attempts=50):
    """Has pid execute system call `name` (a key of NR) once.  Retries
    until pid is caught in a system call; raises if it never is."""
    for _ in range(attempts):
        _ptrace(PTRACE_ATTACH, pid)
        _, status = os.waitpid(pid, os.__dict__.get("__WALL", 0x40000000))
        if not os.WIFSTOPPED(status):
            raise RuntimeError("%d did not stop: status %#x" % (pid, status))
        regs = Regs()
        _ptrace(PTRACE_GETREGS, pid, 0, ctypes.addressof(regs))
        if _at_syscall(pid, regs.rip):
            regs.rax = NR[name]
            regs.orig_rax = 0xFFFFFFFFFFFFFFFF   # no restart of the old call
            regs.rip -= 2
            regs.rdi = regs.rsi = regs.rdx = regs.r10 = regs.r8 = regs.r9 = 0
            _ptrace(PTRACE_SETREGS, pid, 0, ctypes.addressof(regs))
            _ptrace(PTRACE_DETACH, pid, 0, 0)
            return
        _ptrace(PTRACE_DETACH, pid, 0, 0)
    raise RuntimeError("%d was never caught in a system call" % pid)
