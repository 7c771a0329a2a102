/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_INFERENCE_ENGINE_H
#define INCLUDED_SEMSTEG_INFERENCE_ENGINE_H

#include <cstdint>
#include <gnuradio/semsteg/api.h>
#include <string>

namespace gr {
namespace semsteg {

/*!
 * \brief The process's inference engine: one setting for every neural block.
 * \ingroup semsteg
 *
 * Every network of every neural block (encoders, embedding, extraction, decoders) runs on
 * the engine's workers, which own LibTorch's thread budget and the device, in batches of
 * the requests waiting for each network (batches of different networks at once, one per
 * worker). A block's message handler queues its request and returns; the result is
 * published from the worker, in order.
 *
 * \param threads LibTorch threads (<= 0: one per core)
 * \param max_batch most requests of one network run together
 * \param max_wait_ms how long a lone request waits for others (only while nothing else waits)
 * \param queue_capacity requests waiting per network
 * \param queue_full "wait" (back-pressure on the submitting block) or "drop" (counted)
 * \param device "cpu", "cuda" or "cuda:N" (a LibTorch built with CUDA)
 * \param workers batches of different networks run at once (1 to 64), each worker with
 *        threads / workers of the LibTorch threads (at least one); 0: one worker per
 *        thread, no more than there are networks
 * Throws std::invalid_argument naming a bad setting.
 */
SEMSTEG_API void configure_inference(int threads = 1,
                                     int max_batch = 16,
                                     double max_wait_ms = 1.0,
                                     int queue_capacity = 64,
                                     const std::string& queue_full = "wait",
                                     const std::string& device = "cpu",
                                     int workers = 0);

//! What the engine has done: requests, batches, drops, failures, its thread count.
struct inference_stats {
    uint64_t submitted = 0;
    uint64_t completed = 0;
    uint64_t failed = 0;
    uint64_t dropped = 0;
    uint64_t batches = 0;
    uint64_t largest_batch = 0;
    uint64_t most_concurrent = 0; //!< the most batches that ran at once (workers busy)
    int threads = 0; //!< LibTorch threads of the last batch
};
SEMSTEG_API inference_stats get_inference_stats();

/*!
 * Runs every network of the blocks made so far at every batch size up to the largest
 * batch, so that LibTorch builds its kernels before the first image rather than while it
 * waits (semsteg/inference.h, warm_up). Call it after making the flowgraph's blocks and
 * before starting it; returns the batches run.
 */
SEMSTEG_API size_t warm_up_inference();

} // namespace semsteg
} // namespace gr

#endif
