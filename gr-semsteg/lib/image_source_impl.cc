/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "image_source_impl.h"
#include "pdu_convert.h"
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <gnuradio/io_signature.h>
#include <semsteg/dataset.h>
#include <semsteg/error.h>
#include <semsteg/metadata_keys.h>
#include <stdexcept>

namespace gr {
namespace semsteg {

namespace keys = ::semsteg::keys;

image_source::sptr image_source::make(const std::string& images,
                                      int side,
                                      double crop,
                                      double interval,
                                      bool loop,
                                      int first_image_id,
                                      const std::string& role)
{
    return gnuradio::make_block_sptr<image_source_impl>(
        images, side, crop, interval, loop, first_image_id, role);
}

std::vector<std::string> image_files(const std::string& images)
{
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    std::string item;
    const auto add = [&](std::string path) {
        while (!path.empty() && path.front() == ' ')
            path.erase(path.begin());
        while (!path.empty() && path.back() == ' ')
            path.pop_back();
        if (path.empty())
            return;
        if (fs::is_directory(path)) {
            const auto listed = ::semsteg::list_image_files(path);
            files.insert(files.end(), listed.begin(), listed.end());
        } else if (fs::is_regular_file(path)) {
            files.push_back(path);
        } else {
            throw std::invalid_argument("image_source: no such image file or folder: '" + path
                                        + "'");
        }
    };
    for (char c : images) {
        if (c == ';' || c == ',') {
            add(item);
            item.clear();
        } else {
            item += c;
        }
    }
    add(item);
    if (files.empty())
        throw std::invalid_argument("image_source: no image files in '" + images + "'");
    return files;
}

image_source_impl::image_source_impl(const std::string& images,
                                     int side,
                                     double crop,
                                     double interval,
                                     bool loop,
                                     int first_image_id,
                                     const std::string& role)
    : gr::block("image_source", io_signature::make(0, 0, 0), io_signature::make(0, 0, 0))
    , d_files(image_files(images))
    , d_side(side)
    , d_crop(crop)
    , d_interval(interval)
    , d_loop(loop)
    , d_role(role)
    , d_next_id(static_cast<uint32_t>(first_image_id))
{
    if (side < 4 || side % 4 != 0)
        throw std::invalid_argument("image_source: side must be a positive multiple of 4");
    if (!(crop > 0.0 && crop <= 1.0))
        throw std::invalid_argument("image_source: crop must be in (0, 1]");
    if (std::isnan(interval))
        throw std::invalid_argument("image_source: interval is not a number");
    message_port_register_out(pmt::mp("out"));
    message_port_register_in(pmt::mp("trigger"));
    set_msg_handler(pmt::mp("trigger"), [this](const pmt::pmt_t&) {
        std::lock_guard<std::mutex> lock(d_mutex);
        send_next_locked();
    });
    // A paced source decodes what it will cache now, before the flowgraph starts: decoding
    // on its first pass put it behind its schedule, which it then caught up in a burst
    // (measured: three Debian 1-2 megapixel JPEGs, 80-100 ms each, then 17 images at once
    // 0.26 s in, a backlog that a real-time loopback took ~300 images to drain).
    if (interval > 0.0) {
        const auto began = std::chrono::steady_clock::now();
        const size_t n = std::min(d_files.size(), cache_capacity());
        for (size_t i = 0; i < n; ++i) {
            try {
                prepared(d_files[i]);
            } catch (const std::exception&) { // reported (and skipped) when it is due
            }
        }
        const double took
            = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
        if (took > 1.0) // (large photos: a flowgraph that takes long to build says why)
            d_logger->info("image_source: decoded {} images in {:.1f} s before the start, "
                           "to keep the schedule",
                           n,
                           took);
    }
}

image_source_impl::~image_source_impl() { stop(); }

bool image_source_impl::start()
{
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        d_stopping = false;
    }
    if (!d_thread.joinable())
        d_thread = std::thread([this] { run(); });
    return block::start();
}

bool image_source_impl::stop()
{
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        d_stopping = true;
    }
    d_cv.notify_all();
    if (d_thread.joinable())
        d_thread.join();
    return block::stop();
}

void image_source_impl::run()
{
    std::unique_lock<std::mutex> lock(d_mutex);
    if (d_interval < 0.0)
        return; // on demand only (trigger)
    if (d_interval == 0.0) {
        while (!d_stopping && send_next_locked() && d_next != 0) { }
        return; // the rest is on demand (trigger)
    }
    const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(d_interval));
    auto due = std::chrono::steady_clock::now();
    while (!d_stopping) {
        if (!send_next_locked())
            return;
        due += period;
        d_cv.wait_until(lock, due, [this] { return d_stopping; });
    }
}

bool image_source_impl::send_next_locked()
{
    while (d_next < d_files.size()) {
        const std::string& path = d_files[d_next];
        ++d_next;
        if (d_loop && d_next == d_files.size())
            d_next = 0;
        ::semsteg::image img;
        try {
            img = prepared(path);
        } catch (const std::exception& e) {
            ++d_skipped;
            d_logger->error("image_source: skipped: {}", e.what());
            if (d_loop && d_skipped >= d_files.size() && d_sent == 0)
                return false; // nothing readable at all
            continue;
        }
        auto meta = pmt::make_dict();
        meta = meta_set(meta, keys::image_id, pmt::from_uint64(d_next_id));
        meta = meta_set(meta, keys::role, pmt::intern(d_role));
        meta = meta_set(meta, keys::source_path, pmt::intern(path));
        message_port_pub(pmt::mp("out"), image_to_pdu(img, meta));
        ++d_next_id;
        ++d_sent;
        return true;
    }
    return false;
}

size_t image_source_impl::cache_capacity() const
{
    const size_t bytes = static_cast<size_t>(d_side) * d_side * 3 * sizeof(float);
    return std::clamp<size_t>((size_t { 64 } << 20) / std::max<size_t>(bytes, 1), 1, 64);
}

::semsteg::image image_source_impl::prepared(const std::string& path)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    const auto time = ec ? std::filesystem::file_time_type {}
                         : std::filesystem::last_write_time(path, ec);
    if (ec) // load_image says what is wrong with the file
        return ::semsteg::prepare_image(::semsteg::load_image(path), d_side, d_crop);
    const auto it = d_cache.find(path);
    if (it != d_cache.end() && it->second.size == size && it->second.time == time)
        return it->second.img;
    auto img = ::semsteg::prepare_image(::semsteg::load_image(path), d_side, d_crop);
    if (it == d_cache.end()) {
        d_cache_order.push_back(path);
        if (d_cache_order.size() > cache_capacity()) {
            d_cache.erase(d_cache_order.front());
            d_cache_order.pop_front();
        }
    }
    d_cache[path] = { size, time, img };
    return img;
}

uint64_t image_source_impl::images_sent() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_sent;
}

uint64_t image_source_impl::images_skipped() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_skipped;
}

bool image_source_impl::done() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return !d_loop && d_next >= d_files.size();
}

} // namespace semsteg
} // namespace gr
