/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_INN_EMBED_IMPL_H
#define INCLUDED_SEMSTEG_INN_EMBED_IMPL_H

#include "block_setup.h"
#include <atomic>
#include <deque>
#include <gnuradio/semsteg/inn_embed.h>
#include <semsteg/semantic.h>
#include <semsteg/stego_key.h>

#include <optional>

namespace gr {
namespace semsteg {

class inn_embed_impl : public gated_block<inn_embed>
{
public:
    inn_embed_impl(const std::string& model_path,
                   int threads,
                   int max_queue,
                   const std::string& key_file,
                   const std::string& passphrase,
                   const std::string& codec_model,
                   double snr_db);
    bool needs_host_image() const override { return d_inn.needs_host_image(); }
    uint64_t embedded() const override { return d_embedded; }
    uint64_t dropped() const override { return d_dropped; }

private:
    struct latent {
        pmt::pmt_t meta;
        std::vector<std::complex<float>> symbols;
        std::optional<::semsteg::image> host_image; //!< instead of symbols (needs_host_image)
    };
    // Both handlers run on the block's one message thread: no lock needed for the queues.
    //! `channels`: the port's latent channels (the host's, or the INN's payload's).
    void
    enqueue(std::deque<latent>& queue, const pmt::pmt_t& msg, const char* port, int channels);
    void enqueue_host_image(const pmt::pmt_t& msg);
    void push_bounded(std::deque<latent>& queue, latent l, const char* port);
    void embed_ready();

    const std::optional<::semsteg::stego_key> d_key; // before d_inn, which uses it
    ::semsteg::nonce_source d_nonces;
    const size_t d_max_queue;
    std::deque<latent> d_hosts, d_secrets;
    std::atomic<uint64_t> d_embedded { 0 };
    std::atomic<uint64_t> d_dropped { 0 };
    // The network last: destroyed first, it waits for a running batch whose results'
    // callbacks use the members above.
    ::semsteg::facade::inn d_inn;
};

} // namespace semsteg
} // namespace gr

#endif
