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
#include <gnuradio/block.h>
#include <gnuradio/logger.h>
#include <mutex>
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
 * Whether a block's results may still leave it. A network's result arrives on the engine's
 * worker, possibly after the flowgraph has stopped and torn down the blocks downstream
 * (where message_port_pub fails: "block lookup failed"). A block closes its gate in stop()
 * and opens it in start(); close() waits for a publish under way, so none runs once the
 * block's stop() has returned.
 */
class publish_gate
{
public:
    void open()
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        d_open = true;
    }
    void close()
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        d_open = false;
    }
    //! Runs `publish` and returns true while open; returns false, running nothing, when
    //! closed.
    template <typename Publish>
    bool run_if_open(const Publish& publish)
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        if (!d_open)
            return false;
        publish();
        return true;
    }

private:
    std::mutex d_mutex;
    bool d_open = true; // a block used without a flowgraph publishes too
};

/*!
 * A block (`Block`: its public interface) whose results leave through `d_gate`, opened in
 * start() and closed in stop(). Being a base, the gate outlives the derived block's
 * network member, whose destructor waits for results that use it.
 */
template <class Block>
class gated_block : public Block
{
public:
    bool start() override
    {
        d_gate.open();
        return gr::block::start();
    }
    bool stop() override
    {
        d_gate.close();
        return gr::block::stop();
    }

protected:
    publish_gate d_gate;
};

/*!
 * Queues a network request and publishes its result. `submit(done)` hands `done` to one of
 * the facade's submit_* methods and returns whether the request was queued; `publish(value)`
 * runs later on the engine's worker. A failed result is logged and counted in `dropped`, as
 * is a request a full queue refused, and a result that comes back after the block stopped
 * (`gate` closed: the flowgraph can no longer take it; logged at debug level, not an
 * error). What `publish` uses, `gate` included, must outlive the block's network member
 * (declare the network last: it is destroyed first, waiting for a running batch).
 */
template <typename Result,
          typename Logger,
          typename Counter,
          typename Submit,
          typename Publish>
void submit_then_publish(const Logger& logger,
                         const char* what,
                         Counter& dropped,
                         publish_gate& gate,
                         const Submit& submit,
                         Publish publish)
{
    const bool queued = submit(
        [logger, what, &dropped, &gate, publish](::semsteg::outcome<Result>&& result) {
            handle_or_drop(logger, what, dropped, [&] {
                if (!result.ok())
                    throw std::runtime_error(result.error);
                if (!gate.run_if_open([&] { publish(*result.value); })) {
                    ++dropped;
                    logger->debug("{}: a result came back after the block stopped: not "
                                  "delivered",
                                  what);
                }
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
