/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "image_sink_impl.h"
#include "pdu_convert.h"
#include <filesystem>
#include <gnuradio/io_signature.h>
#include <semsteg/metadata_keys.h>
#include <semsteg/semantic.h>
#include <stdexcept>

namespace gr {
namespace semsteg {

namespace keys = ::semsteg::keys;

void reference_store::put(int64_t id, ::semsteg::image img)
{
    if (d_images.count(id) == 0) {
        d_order.push_back(id);
        while (d_order.size() > d_capacity) {
            d_images.erase(d_order.front());
            d_order.pop_front();
        }
    }
    d_images[id] = std::move(img);
}

const ::semsteg::image* reference_store::find(int64_t id) const
{
    const auto it = d_images.find(id);
    return it == d_images.end() ? nullptr : &it->second;
}

image_sink::sptr image_sink::make(const std::string& output_dir,
                                  const std::string& prefix,
                                  int max_refs,
                                  bool log_each)
{
    return gnuradio::make_block_sptr<image_sink_impl>(output_dir, prefix, max_refs, log_each);
}

image_sink_impl::image_sink_impl(const std::string& output_dir,
                                 const std::string& prefix,
                                 int max_refs,
                                 bool log_each)
    : gr::block("image_sink", io_signature::make(0, 0, 0), io_signature::make(0, 0, 0))
    , d_output_dir(output_dir)
    , d_prefix(prefix)
    , d_log_each(log_each)
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

void image_sink_impl::handle_ref(reference_store& store, const pmt::pmt_t& msg)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    handle_or_drop(d_logger, "image_sink reference", d_dropped, [&] {
        const auto pdu = split_pdu(msg);
        const int64_t id = meta_int(pdu.meta, keys::image_id, -1);
        if (id < 0)
            throw std::invalid_argument("reference image without \"image_id\"");
        store.put(id, pdu_to_image(pdu));
    });
}

void image_sink_impl::handle_image(const pmt::pmt_t& msg)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    handle_or_drop(d_logger, "image_sink", d_dropped, [&] {
        const auto pdu = split_pdu(msg);
        const auto img = pdu_to_image(pdu);
        const int64_t id = meta_int(pdu.meta, keys::image_id, -1);
        const int64_t host_id = meta_int(pdu.meta, keys::host_image_id, id);
        const std::string role = meta_string(pdu.meta, keys::role, d_prefix);
        ++d_received;
        d_ids.insert(id);

        if (!d_output_dir.empty()) {
            const std::string path
                = d_output_dir + "/" + d_prefix + "_" + std::to_string(id) + ".png";
            try {
                ::semsteg::save_png(path, img);
            } catch (const std::exception& e) {
                d_logger->error("image_sink: {}", e.what());
            }
        }

        auto metrics = pmt::make_dict();
        metrics = meta_set(metrics, keys::image_id, pmt::from_long(id));
        metrics = meta_set(metrics, keys::role, pmt::intern(role));
        std::string line = role + " image " + std::to_string(id);
        char buf[96];
        const auto measure = [&](const reference_store& store,
                                 int64_t ref_id,
                                 quality_sum& sum,
                                 const char* psnr_key,
                                 const char* msssim_key,
                                 const char* label) {
            const ::semsteg::image* ref = store.find(ref_id);
            if (!ref)
                return;
            const auto q = ::semsteg::measure_quality(*ref, img);
            ++sum.count;
            sum.psnr_db += q.psnr_db;
            sum.ms_ssim += q.ms_ssim;
            metrics = meta_set(metrics, psnr_key, pmt::from_double(q.psnr_db));
            metrics = meta_set(metrics, msssim_key, pmt::from_double(q.ms_ssim));
            std::snprintf(buf,
                          sizeof buf,
                          "; %s PSNR %.2f dB, MS-SSIM %.3f",
                          label,
                          q.psnr_db,
                          q.ms_ssim);
            line += buf;
        };
        measure(d_refs, id, d_private, keys::psnr_db, keys::ms_ssim, "vs private");
        measure(
            d_host_refs, host_id, d_host, keys::psnr_db_host, keys::ms_ssim_host, "vs host");
        if (d_log_each)
            d_logger->info("{}", line);
        message_port_pub(pmt::mp("metrics"), metrics);
    });
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

} // namespace semsteg
} // namespace gr
