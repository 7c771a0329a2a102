/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_BLOCK_SETUP_H
#define INCLUDED_SEMSTEG_BLOCK_SETUP_H

// What the neural blocks share: the inference engine's thread count and the key they are
// made with, and how a network's result (which arrives on the engine's worker) becomes a
// message or a counted drop. Kept apart from pdu_convert.h, which is plain PMT handling
// (and fuzzed on its own).

#include "pdu_convert.h"
#include <gnuradio/logger.h>
#include <optional>
#include <semsteg/inference.h>
#include <semsteg/stego_key.h>
#include <stdexcept>
#include <string>

namespace gr {
namespace semsteg {

//! Sets the process's inference engine to `n` LibTorch threads when n > 0 (every neural
//! block's networks run on that one engine: inference.h).
void set_engine_threads(int n);

/*!
 * The key a block was given: a key file or a passphrase (stego_key.h's load_key), none
 * when both are empty. A key file others may read is a warning through `logger`. Neither
 * the key nor the passphrase ever reaches the log.
 */
std::optional<::semsteg::stego_key> load_block_key(const gr::logger_ptr& logger,
                                                   const std::string& key_file,
                                                   const std::string& passphrase);

/*!
 * Queues a network request and publishes its result. `submit(done)` hands `done` to one of
 * the facade's submit_* methods and returns whether the request was queued; `publish(value)`
 * runs later on the engine's worker. A failed result is logged and counted in `dropped`, as
 * is a request a full queue refused. What `publish` uses must outlive the block's network
 * member (declare the network last: it is destroyed first, waiting for a running batch).
 */
template <typename Result,
          typename Logger,
          typename Counter,
          typename Submit,
          typename Publish>
void submit_then_publish(const Logger& logger,
                         const char* what,
                         Counter& dropped,
                         const Submit& submit,
                         Publish publish)
{
    const bool queued
        = submit([logger, what, &dropped, publish](::semsteg::outcome<Result>&& result) {
              handle_or_drop(logger, what, dropped, [&] {
                  if (!result.ok())
                      throw std::runtime_error(result.error);
                  publish(*result.value);
              });
          });
    if (!queued) {
        ++dropped;
        logger->warn("{}: dropped: the inference queue is full (queue-full policy drop)",
                     what);
    }
}

} // namespace semsteg
} // namespace gr

#endif
