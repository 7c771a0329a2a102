/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "latent_decoder_impl.h"
#include <gnuradio/semsteg/jscc_decoder.h>
#include <gnuradio/semsteg/mia_decoder.h>
#include <semsteg/semantic.h>

namespace gr {
namespace semsteg {

jscc_decoder::sptr jscc_decoder::make(const std::string& model_path,
                                      const std::string& role,
                                      int threads,
                                      double snr_db,
                                      bool snr_from_metadata)
{
    return gnuradio::make_block_sptr<
        latent_decoder_impl<jscc_decoder, ::semsteg::facade::jscc_codec>>(
        "jscc_decoder", model_path, role, threads, snr_db, snr_from_metadata);
}

mia_decoder::sptr
mia_decoder::make(const std::string& model_path, const std::string& role, int threads)
{
    return gnuradio::make_block_sptr<
        latent_decoder_impl<mia_decoder, ::semsteg::facade::mia>>(
        "mia_decoder", model_path, role, threads);
}

} // namespace semsteg
} // namespace gr
