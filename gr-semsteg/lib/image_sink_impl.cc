/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "image_sink_impl.h"
#include "pdu_convert.h"
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <gnuradio/io_signature.h>
#include <semsteg/metadata_keys.h>
#include <semsteg/semantic.h>
#include <stdexcept>

namespace gr {
namespace semsteg {

namespace keys = ::semsteg::keys;

// Latencies kept for the quantiles (8 bytes each): a long run keeps its first ones.
constexpr size_t max_latencies = 1 << 20;

void reference_store::put(int64_t id, ::semsteg::image img, time_point arrived)
{
    if (d_images.count(id) == 0) {
        d_order.push_back(id);
        while (d_order.size() > d_capacity) {
            d_images.erase(d_order.front());
            d_order.pop_front();
        }
    }
    d_images[id] = { std::move(img), arrived };
}

const ::semsteg::image* reference_store::find(int64_t id) const
{
    const auto it = d_images.find(id);
    return it == d_images.end() ? nullptr : &it->second.first;
}

std::optional<reference_store::time_point> reference_store::arrived(int64_t id) const
{
    const auto it = d_images.find(id);
    if (it == d_images.end())
        return std::nullopt;
    return it->second.second;
}

image_sink::sptr image_sink::make(const std::string& output_dir,
                                  const std::string& prefix,
                                  int max_refs,
                                  bool log_each,
                                  bool measure)
{
    return gnuradio::make_block_sptr<image_sink_impl>(
        output_dir, prefix, max_refs, log_each, measure);
}

image_sink_impl::image_sink_impl(const std::string& output_dir,
                                 const std::string& prefix,
                                 int max_refs,
                                 bool log_each,
                                 bool measure)
    : gr::block("image_sink", io_signature::make(0, 0, 0), io_signature::make(0, 0, 0))
    , d_output_dir(output_dir)
    , d_prefix(prefix)
    , d_log_each(log_each)
    , d_measure(measure)
    , d_refs(static_cast<size_t>(std::max(1, max_refs)))
    , d_host_refs(static_cast<size_t>(std::max(1, max_refs)))
{
    if (!output_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(output_dir, ec);
        if (!std::filesystem::is_directory(output_dir))
            throw std::invalid_argument("image_sink: cannot create folder '" + output_dir
                                        + "': " + ec.message());
    }
    if (measure) // on the engine from the start: a warm-up covers it (inference.h)
        ::semsteg::prepare_quality_measurement();
    message_port_register_in(pmt::mp("in"));
    message_port_register_in(pmt::mp("ref"));
    message_port_register_in(pmt::mp("ref_host"));
    message_port_register_out(pmt::mp("metrics"));
    set_msg_handler(pmt::mp("in"), [this](const pmt::pmt_t& msg) { handle_image(msg); });
    set_msg_handler(pmt::mp("ref"),
                    [this](const pmt::pmt_t& msg) { handle_ref(d_refs, msg); });
    set_msg_handler(pmt::mp("ref_host"),
                    [this](const pmt::pmt_t& msg) { handle_ref(d_host_refs, msg); });
}

image_sink_impl::~image_sink_impl()
{
    // The engine's callbacks use this block: wait for the measurements still under way.
    std::unique_lock<std::mutex> lock(d_mutex);
    d_idle.wait(lock, [this] { return d_measuring == 0; });
}

void image_sink_impl::handle_ref(reference_store& store, const pmt::pmt_t& msg)
{
    const auto arrived = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(d_mutex);
    handle_or_drop(d_logger, "image_sink reference", d_dropped, [&] {
        const auto pdu = split_pdu(msg);
        const int64_t id = meta_int(pdu.meta, keys::image_id, -1);
        if (id < 0)
            throw std::invalid_argument("reference image without \"image_id\"");
        store.put(id, pdu_to_image(pdu), arrived);
    });
}

// One received image while its measurements are on the inference engine: it counts as
// received, and its metrics message goes out, when the last of them is back and every
// image received before it has gone out (metrics leave in arrival order).
struct image_sink_impl::pending_image {
    int64_t id = -1;
    std::string line;
    pmt::pmt_t metrics;
    int outstanding = 0;
};

void image_sink_impl::handle_image(const pmt::pmt_t& msg)
{
    const auto arrived = std::chrono::steady_clock::now();
    handle_or_drop(d_logger, "image_sink", d_dropped, [&] {
        const auto pdu = split_pdu(msg);
        auto img = pdu_to_image(pdu);
        const int64_t id = meta_int(pdu.meta, keys::image_id, -1);
        const int64_t host_id = meta_int(pdu.meta, keys::host_image_id, id);
        const std::string role = meta_string(pdu.meta, keys::role, d_prefix);

        if (!d_output_dir.empty()) {
            const std::string path
                = d_output_dir + "/" + d_prefix + "_" + std::to_string(id) + ".png";
            try {
                ::semsteg::save_png(path, img);
            } catch (const std::exception& e) {
                d_logger->error("image_sink: {}", e.what());
            }
        }

        auto pending = std::make_shared<pending_image>();
        pending->id = id;
        pending->line = role + " image " + std::to_string(id);
        pending->metrics = meta_set(pmt::make_dict(), keys::image_id, pmt::from_long(id));
        pending->metrics = meta_set(pending->metrics, keys::role, pmt::intern(role));
        std::optional<::semsteg::image> private_ref, host_ref;
        {
            std::lock_guard<std::mutex> lock(d_mutex);
            if (const auto sent = d_refs.arrived(id)) {
                const double latency = std::chrono::duration<double>(arrived - *sent).count();
                if (d_latencies_s.size() < max_latencies)
                    d_latencies_s.push_back(latency);
                pending->metrics
                    = meta_set(pending->metrics, keys::latency_s, pmt::from_double(latency));
                char buf[48];
                std::snprintf(buf, sizeof buf, ", latency %.3f s", latency);
                pending->line += buf;
            }
            if (d_measure) {
                if (const auto* ref = d_refs.find(id))
                    private_ref = *ref;
                if (const auto* ref = d_host_refs.find(host_id))
                    host_ref = *ref;
            }
            for (const auto* ref : { &private_ref, &host_ref })
                if (*ref && ((*ref)->width != img.width || (*ref)->height != img.height))
                    throw std::invalid_argument(
                        "image " + std::to_string(id) + " is " + std::to_string(img.width)
                        + "x" + std::to_string(img.height) + ", its reference "
                        + std::to_string((*ref)->width) + "x"
                        + std::to_string((*ref)->height));
            pending->outstanding = (private_ref ? 1 : 0) + (host_ref ? 1 : 0);
            d_pending.push_back(pending);
            if (pending->outstanding == 0) {
                finish_ready_locked();
                return;
            }
        }
        // Measured on the engine, batched with the other sinks' (not under d_mutex: the
        // results' callbacks take it).
        const auto measure = [&](const ::semsteg::image& ref,
                                 quality_sum image_sink_impl::*sum,
                                 const char* psnr_key,
                                 const char* msssim_key,
                                 const char* label) {
            const auto done = [this, pending, sum, psnr_key, msssim_key, label](
                                  ::semsteg::outcome<::semsteg::image_quality>&& result) {
                std::lock_guard<std::mutex> lock(d_mutex);
                if (result.ok()) {
                    const auto q = *result.value;
                    auto& total = this->*sum;
                    ++total.count;
                    total.psnr_db += q.psnr_db;
                    total.ms_ssim += q.ms_ssim;
                    pending->metrics
                        = meta_set(pending->metrics, psnr_key, pmt::from_double(q.psnr_db));
                    pending->metrics
                        = meta_set(pending->metrics, msssim_key, pmt::from_double(q.ms_ssim));
                    char buf[96];
                    std::snprintf(buf,
                                  sizeof buf,
                                  "; %s PSNR %.2f dB, MS-SSIM %.3f",
                                  label,
                                  q.psnr_db,
                                  q.ms_ssim);
                    pending->line += buf;
                } else {
                    d_logger->error("image_sink: image {} not measured {}: {}",
                                    pending->id,
                                    label,
                                    result.error);
                }
                if (--pending->outstanding == 0)
                    finish_ready_locked();
                if (--d_measuring == 0)
                    d_idle.notify_all();
            };
            {
                std::lock_guard<std::mutex> lock(d_mutex);
                ++d_measuring;
            }
            try {
                ::semsteg::submit_quality(ref, img, done);
            } catch (const std::exception& e) { // the engine is going away
                done(::semsteg::outcome<::semsteg::image_quality>::failure(e.what()));
            }
        };
        if (private_ref)
            measure(*private_ref,
                    &image_sink_impl::d_private,
                    keys::psnr_db,
                    keys::ms_ssim,
                    "vs private");
        if (host_ref)
            measure(*host_ref,
                    &image_sink_impl::d_host,
                    keys::psnr_db_host,
                    keys::ms_ssim_host,
                    "vs host");
    });
}

void image_sink_impl::finish_ready_locked()
{
    while (!d_pending.empty() && d_pending.front()->outstanding == 0) {
        const auto done = std::move(d_pending.front());
        d_pending.pop_front();
        ++d_received;
        d_ids.insert(done->id);
        if (d_log_each)
            d_logger->info("{}", done->line);
        // Counted either way; published only while the flowgraph can take it.
        d_gate.run_if_open([&] { message_port_pub(pmt::mp("metrics"), done->metrics); });
    }
}

#define SEMSTEG_LOCKED_GETTER(type, name, expr)                                              \
    type image_sink_impl::name() const                                                       \
    {                                                                                        \
        std::lock_guard<std::mutex> lock(d_mutex);                                           \
        return expr;                                                                         \
    }
SEMSTEG_LOCKED_GETTER(uint64_t, received, d_received)
SEMSTEG_LOCKED_GETTER(uint64_t, dropped, d_dropped)
SEMSTEG_LOCKED_GETTER(uint64_t, measured, d_private.count)
SEMSTEG_LOCKED_GETTER(double, mean_psnr_db, d_private.mean_psnr())
SEMSTEG_LOCKED_GETTER(double, mean_ms_ssim, d_private.mean_ms_ssim())
SEMSTEG_LOCKED_GETTER(uint64_t, measured_host, d_host.count)
SEMSTEG_LOCKED_GETTER(double, mean_psnr_db_host, d_host.mean_psnr())
SEMSTEG_LOCKED_GETTER(double, mean_ms_ssim_host, d_host.mean_ms_ssim())
SEMSTEG_LOCKED_GETTER(uint64_t, distinct_images, d_ids.size())
#undef SEMSTEG_LOCKED_GETTER

double image_sink_impl::latency_s(double quantile) const
{
    std::vector<double> sorted;
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        sorted = d_latencies_s;
    }
    if (sorted.empty() || !(quantile >= 0.0 && quantile <= 1.0))
        return 0.0;
    std::sort(sorted.begin(), sorted.end());
    // Nearest rank: the smallest value with at least `quantile` of them at or below it.
    const auto rank = static_cast<size_t>(std::ceil(quantile * sorted.size()));
    return sorted[rank == 0 ? 0 : rank - 1];
}

} // namespace semsteg
} // namespace gr
