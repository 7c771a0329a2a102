/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "inn_embed_impl.h"
#include "block_setup.h"
#include "pdu_convert.h"
#include <gnuradio/io_signature.h>
#include <semsteg/metadata_keys.h>
#include <stdexcept>

namespace gr {
namespace semsteg {

inn_embed::sptr inn_embed::make(const std::string& model_path,
                                int threads,
                                int max_queue,
                                const std::string& key_file,
                                const std::string& passphrase,
                                const std::string& codec_model,
                                double snr_db)
{
    return gnuradio::make_block_sptr<inn_embed_impl>(
        model_path, threads, max_queue, key_file, passphrase, codec_model, snr_db);
}

namespace {
std::optional<::semsteg::facade::round_trip_codec> round_trip_of(const std::string& codec,
                                                                 double snr_db)
{
    if (codec.empty())
        return std::nullopt;
    return ::semsteg::facade::round_trip_codec { codec, snr_db };
}
} // namespace

inn_embed_impl::inn_embed_impl(const std::string& model_path,
                               int threads,
                               int max_queue,
                               const std::string& key_file,
                               const std::string& passphrase,
                               const std::string& codec_model,
                               double snr_db)
    : gr::block("inn_embed", io_signature::make(0, 0, 0), io_signature::make(0, 0, 0))
    , d_key(load_block_key(d_logger, key_file, passphrase))
    , d_max_queue(static_cast<size_t>(std::max(1, max_queue)))
    , d_inn(model_path, "auto", d_key ? &*d_key : nullptr, round_trip_of(codec_model, snr_db))
{
    if (d_inn.codec_round_trip()) {
        if (codec_model.empty())
            throw std::invalid_argument(
                "inn_embed: INN '" + model_path
                + "' sends its containers through the public codec's round trip: set "
                  "codec_model (the public codec) and snr_db (the host encoder's SNR)");
        d_logger->info(
            "containers sent through the round trip of {} at {} dB", codec_model, snr_db);
    }
    if (d_inn.needs_host_image())
        d_logger->info("the host's detail goes back before the round trip: 'host' takes "
                       "host images (image_source), not latents");
    if (d_key) // named by its fingerprint only, once the INN has accepted it
        d_logger->info("keyed hiding with key {}", d_key->fingerprint());
    set_engine_threads(threads);
    message_port_register_in(pmt::mp("host"));
    message_port_register_in(pmt::mp("private"));
    message_port_register_out(pmt::mp("out"));
    set_msg_handler(pmt::mp("host"), [this](const pmt::pmt_t& msg) {
        if (d_inn.needs_host_image())
            enqueue_host_image(msg);
        else
            enqueue(d_hosts, msg, "host", d_inn.latent_channels());
    });
    set_msg_handler(pmt::mp("private"), [this](const pmt::pmt_t& msg) {
        enqueue(d_secrets, msg, "private", d_inn.payload_channels());
    });
}

void inn_embed_impl::enqueue(std::deque<latent>& queue,
                             const pmt::pmt_t& msg,
                             const char* port,
                             int channels)
{
    handle_or_drop(d_logger, "inn_embed", d_dropped, [&] {
        const auto pdu = split_pdu(msg);
        latent l { pdu.meta, pdu_to_symbols(pdu), std::nullopt };
        ::semsteg::latent_shape::square(channels, l.symbols.size()); // checks the length
        push_bounded(queue, std::move(l), port);
    });
    embed_ready();
}

void inn_embed_impl::enqueue_host_image(const pmt::pmt_t& msg)
{
    handle_or_drop(d_logger, "inn_embed", d_dropped, [&] {
        const auto pdu = split_pdu(msg);
        if (!pmt::is_u8vector(pdu.vec))
            throw std::invalid_argument(
                "this INN adds the host's detail back before the round trip: 'host' takes "
                "host image PDUs (u8vector, as image_source makes), not latents");
        push_bounded(d_hosts, { pdu.meta, {}, pdu_to_image(pdu) }, "host");
    });
    embed_ready();
}

void inn_embed_impl::push_bounded(std::deque<latent>& queue, latent l, const char* port)
{
    if (queue.size() >= d_max_queue) {
        queue.pop_front();
        ++d_dropped;
        d_logger->warn("inn_embed: more than {} unpaired {} inputs; dropped the oldest",
                       d_max_queue,
                       port);
    }
    queue.push_back(std::move(l));
}

void inn_embed_impl::embed_ready()
{
    while (!d_hosts.empty() && !d_secrets.empty()) {
        latent host = std::move(d_hosts.front());
        latent secret = std::move(d_secrets.front());
        d_hosts.pop_front();
        d_secrets.pop_front();
        handle_or_drop(d_logger, "inn_embed", d_dropped, [&] {
            const uint64_t nonce = d_inn.keyed() ? d_nonces.next() : 0;
            auto meta
                = meta_set(secret.meta, ::semsteg::keys::role, pmt::intern("container"));
            if (d_inn.keyed())
                meta = meta_set(meta, ::semsteg::keys::nonce, pmt::from_uint64(nonce));
            meta
                = meta_set(meta,
                           ::semsteg::keys::host_image_id,
                           pmt::from_long(meta_int(host.meta, ::semsteg::keys::image_id, 0)));
            submit_then_publish<::semsteg::symbol_vector>(
                d_logger,
                "inn_embed",
                d_dropped,
                d_gate,
                [&](auto done) {
                    if (host.host_image)
                        return d_inn.submit_embed_image(std::move(*host.host_image),
                                                        std::move(secret.symbols),
                                                        nonce,
                                                        std::move(done));
                    return d_inn.submit_embed(std::move(host.symbols),
                                              std::move(secret.symbols),
                                              nonce,
                                              std::move(done));
                },
                [this, meta](const ::semsteg::symbol_vector& container) {
                    message_port_pub(pmt::mp("out"), symbols_to_pdu(container, meta));
                    ++d_embedded;
                });
        });
    }
}

} // namespace semsteg
} // namespace gr
