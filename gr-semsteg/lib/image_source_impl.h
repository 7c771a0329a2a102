/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_IMAGE_SOURCE_IMPL_H
#define INCLUDED_SEMSTEG_IMAGE_SOURCE_IMPL_H

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <gnuradio/semsteg/image_source.h>
#include <map>
#include <mutex>
#include <semsteg/image.h>
#include <string>
#include <thread>
#include <vector>

namespace gr {
namespace semsteg {

class image_source_impl : public image_source
{
public:
    image_source_impl(const std::string& images,
                      int side,
                      double crop,
                      double interval,
                      bool loop,
                      int first_image_id,
                      const std::string& role);
    ~image_source_impl() override;

    bool start() override;
    bool stop() override;

    uint64_t images_sent() const override;
    uint64_t images_skipped() const override;
    size_t num_files() const override { return d_files.size(); }
    bool done() const override;

private:
    void run();
    //! Sends the next readable image; false when there is none left. Caller holds d_mutex.
    bool send_next_locked();

    //! The prepared image of `path`, decoded once while the file is unchanged.
    ::semsteg::image prepared(const std::string& path);

    const std::vector<std::string> d_files;
    const int d_side;
    const double d_crop;
    const double d_interval;
    const bool d_loop;
    const std::string d_role;

    mutable std::mutex d_mutex;
    std::condition_variable d_cv;
    std::thread d_thread;
    bool d_stopping = false;
    size_t d_next = 0;
    uint32_t d_next_id;
    uint64_t d_sent = 0;
    uint64_t d_skipped = 0;
    // Prepared images by path (a list that repeats files decodes each once: decoding a
    // multi-megapixel JPEG cost more than all seven networks per image), while the file's
    // size and time are unchanged; the oldest evicted beyond 64 images or 64 MiB.
    struct cached_image {
        std::uintmax_t size;
        std::filesystem::file_time_type time;
        ::semsteg::image img;
    };
    size_t cache_capacity() const;
    std::map<std::string, cached_image> d_cache;
    std::deque<std::string> d_cache_order;
};

} // namespace semsteg
} // namespace gr

#endif
