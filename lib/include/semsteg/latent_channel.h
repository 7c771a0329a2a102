/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_LATENT_CHANNEL_H
#define INCLUDED_SEMSTEG_LATENT_CHANNEL_H

/*!
 * \file latent_channel.h
 * The latent-domain channel simulation of training and evaluation (channel.h's specification
 * on latent tensors).

 * Tensors: images are float [B, 3, H, W] in [0,1]; latents are float [B, C, H/4, W/4] with
 * unit mean complex-symbol power per image (see latent_symbols.h for the I/Q pairing).
 * A torch header: include it only where torch is needed (the facades, semantic.h, are
 * torch-free).
 */

#include <semsteg/channel.h>

#include <torch/torch.h>

namespace semsteg {

/*!
 * The latent-domain channel on unit-power latents [B, C, H, W] (see latent_symbols.h), as
 * channel.h specifies it: AWGN at Es/N0 per latent symbol, or Rayleigh block fading
 * equalised with the known h (zero forcing: ŷ = y / h). A channel with waveform impairments
 * (CFO, multipath, timing, clock) is refused: those are the PHY's. Seeded and reproducible
 * through the generator passed in.
 */

//! The received latent (the SNR of each image drawn by channel_snr, then the noise).
torch::Tensor
apply_channel(const torch::Tensor& latent, const channel_config& cfg, torch::Generator& gen);

/*!
 * The SNR of each of `batch` images [B] (CPU, dB): the configured one, or drawn uniformly
 * from the range. "none" gives 100 dB (what an SNR-adaptive decoder is told for a perfect
 * channel).
 */
torch::Tensor channel_snr(const channel_config& cfg, int64_t batch, torch::Generator& gen);
//! The received latent at the given SNR per image [B] (from channel_snr: the SNR an
//! SNR-adaptive encoder and decoder are given is the one the noise is drawn at).
torch::Tensor apply_channel_at_snr(const torch::Tensor& latent,
                                   const channel_config& cfg,
                                   const torch::Tensor& snr_db,
                                   torch::Generator& gen);

} // namespace semsteg

#endif
