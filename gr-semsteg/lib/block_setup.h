/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_BLOCK_SETUP_H
#define INCLUDED_SEMSTEG_BLOCK_SETUP_H

// What the neural blocks set up when they are made: LibTorch's thread count and the key.
// Kept apart from pdu_convert.h, which is plain PMT handling (and fuzzed on its own).

#include <gnuradio/logger.h>
#include <optional>
#include <semsteg/stego_key.h>
#include <string>

namespace gr {
namespace semsteg {

//! Sets torch's process-wide intra-op thread count when n > 0 (semsteg/threads.h).
void apply_torch_threads(int n);

/*!
 * The key a block was given: a key file or a passphrase (stego_key.h's load_key), none
 * when both are empty. A key file others may read is a warning through `logger`. Neither
 * the key nor the passphrase ever reaches the log.
 */
std::optional<::semsteg::stego_key> load_block_key(const gr::logger_ptr& logger,
                                                   const std::string& key_file,
                                                   const std::string& passphrase);

} // namespace semsteg
} // namespace gr

#endif
