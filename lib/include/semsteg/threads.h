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

} // namespace semsteg

#endif
