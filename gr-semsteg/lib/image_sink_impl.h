/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_IMAGE_SINK_IMPL_H
#define INCLUDED_SEMSTEG_IMAGE_SINK_IMPL_H

#include "block_setup.h"
#include <chrono>
#include <condition_variable>
#include <deque>
#include <gnuradio/semsteg/image_sink.h>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <semsteg/image.h>
#include <set>
#include <vector>

namespace gr {
namespace semsteg {

//! Reference images by image_id, the oldest evicted beyond a capacity.
class reference_store
{
public:
    explicit reference_store(size_t capacity) : d_capacity(capacity) { }
    using time_point = std::chrono::steady_clock::time_point;
    void put(int64_t id, ::semsteg::image img, time_point arrived);
    const ::semsteg::image* find(int64_t id) const;
    std::optional<time_point> arrived(int64_t id) const;

private:
    size_t d_capacity;
    std::map<int64_t, std::pair<::semsteg::image, time_point>> d_images;
    std::deque<int64_t> d_order;
};

//! Running mean of PSNR and MS-SSIM.
struct quality_sum {
    uint64_t count = 0;
    double psnr_db = 0.0;
    double ms_ssim = 0.0;
    double mean_psnr() const { return count ? psnr_db / count : 0.0; }
    double mean_ms_ssim() const { return count ? ms_ssim / count : 0.0; }
};

class image_sink_impl : public gated_block<image_sink>
{
public:
    image_sink_impl(const std::string& output_dir,
                    const std::string& prefix,
                    int max_refs,
                    bool log_each,
                    bool measure);
    ~image_sink_impl() override;

    uint64_t received() const override;
    uint64_t dropped() const override;
    uint64_t measured() const override;
    double mean_psnr_db() const override;
    double mean_ms_ssim() const override;
    uint64_t measured_host() const override;
    double mean_psnr_db_host() const override;
    double mean_ms_ssim_host() const override;
    uint64_t distinct_images() const override;
    double latency_s(double quantile) const override;

private:
    struct pending_image;
    void handle_image(const pmt::pmt_t& msg);
    //! The oldest images whose measurements are all back: counted, logged, published.
    void finish_ready_locked();
    void handle_ref(reference_store& store, const pmt::pmt_t& msg);

    const std::string d_output_dir;
    const std::string d_prefix;
    const bool d_log_each;
    const bool d_measure;

    mutable std::mutex d_mutex; // everything below
    std::condition_variable d_idle; //!< d_measuring fell to 0
    uint64_t d_measuring = 0; //!< measurements on the engine (their callbacks use *this)
    reference_store d_refs, d_host_refs;
    uint64_t d_received = 0;
    uint64_t d_dropped = 0;
    quality_sum d_private, d_host;
    std::set<int64_t> d_ids;
    std::vector<double> d_latencies_s;
    std::deque<std::shared_ptr<pending_image>> d_pending; //!< in arrival order
};

} // namespace semsteg
} // namespace gr

#endif
