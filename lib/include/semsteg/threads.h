/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_THREADS_H
#define INCLUDED_SEMSTEG_THREADS_H

namespace semsteg {

/*!
 * Sets LibTorch's intra-op thread count (LibTorch starts with 1). `n` <= 0 means one per
 * hardware core. Every app and block calls this with its `threads` setting so the count is
 * always a choice. Returns the count in force afterwards.
 */
int set_torch_threads(int n);

/*!
 * Keeps freed multi-megabyte buffers in the process heap instead of returning them to the
 * kernel (glibc mallopt: mmap threshold 256 MiB, trim threshold 512 MiB). LibTorch's CPU
 * convolutions allocate and free such buffers on every pass; unmapped, each pass page-faults
 * them back in (measured: the loopback flowgraph ran 2.1x faster with this). Idempotent;
 * called by set_torch_threads and by the network facades (semantic.h).
 */
void keep_freed_buffers_mapped();

} // namespace semsteg

#endif
