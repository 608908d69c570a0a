"""Keep freed memory in the process, so that the next op's array does not page-fault.

Every op returns a fresh array, and a training step frees most of them again before
the next step allocates the same sizes. With its default settings, glibc's malloc
hands big freed blocks back to the operating system (it trims the heap once more
than a few MB sit free at its top), and the next allocation of that size touches
brand-new pages: the kernel then faults and zeroes them one 4 KiB page at a time.
On the LeNet step of bench/lenet.py that was about 2,000 page faults per step and
close to half of its time; torch's step, which allocates less, lost about a quarter.

Raising two thresholds with `mallopt` keeps that memory in the heap for reuse:
blocks up to 32 MiB come from the heap instead of their own mapping, and the heap
is trimmed only once 128 MiB sit free at its top. The price is that a process holds
on to up to that much memory it no longer uses, and the setting holds for the whole
process, not only for teachgrad. So importing teachgrad leaves malloc alone: call
`teachgrad.malloc.keep_freed_memory()` to opt in (the scripts in bench/ do, for torch
and teachgrad alike). Only glibc (Linux) has these knobs; elsewhere nothing changes.
"""

from __future__ import annotations

import ctypes
import platform

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter numbers, from <malloc.h>
M_MMAP_THRESHOLD = -3
LARGEST_HEAP_BLOCK = 32 * 2**20  # glibc's ceiling for M_MMAP_THRESHOLD on 64-bit
KEPT_FREE_AT_TOP = 128 * 2**20


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to keep freed blocks for reuse; True if it agreed."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this Python runs on
    except (OSError, AttributeError):
        return False
    # mallopt returns 1 on success. Setting either threshold also stops glibc from
    # moving them by itself, so both are set.
    return bool(mallopt(M_MMAP_THRESHOLD, LARGEST_HEAP_BLOCK)
                and mallopt(M_TRIM_THRESHOLD, KEPT_FREE_AT_TOP))
