/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/inference_engine.h>
#include <semsteg/error.h>
#include <semsteg/inference.h>
#include <stdexcept>

namespace gr {
namespace semsteg {

void configure_inference(int threads,
                         int max_batch,
                         double max_wait_ms,
                         int queue_capacity,
                         const std::string& queue_full,
                         const std::string& device,
                         int workers)
{
    try {
        ::semsteg::inference_settings s;
        s.threads = threads;
        s.max_batch = max_batch;
        s.max_wait_ms = max_wait_ms;
        if (queue_capacity < 1)
            throw ::semsteg::error("inference: queue capacity "
                                   + std::to_string(queue_capacity) + " (at least 1)");
        s.queue_capacity = static_cast<size_t>(queue_capacity);
        s.when_full = ::semsteg::parse_queue_full_policy(queue_full);
        s.device = device;
        s.workers = workers;
        ::semsteg::inference_engine::instance().configure(s);
    } catch (const ::semsteg::error& e) {
        throw std::invalid_argument(e.what());
    }
}

inference_stats get_inference_stats()
{
    const auto c = ::semsteg::inference_engine::instance().counters();
    inference_stats s;
    s.submitted = c.submitted;
    s.completed = c.completed;
    s.failed = c.failed;
    s.dropped = c.dropped;
    s.batches = c.batches;
    s.largest_batch = c.largest_batch;
    s.most_concurrent = c.most_concurrent;
    s.threads = c.threads;
    return s;
}

size_t warm_up_inference() { return ::semsteg::inference_engine::instance().warm_up(); }

} // namespace semsteg
} // namespace gr
