/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_LATENT_SYMBOLS_H
#define INCLUDED_SEMSTEG_LATENT_SYMBOLS_H

/*!
 * \file latent_symbols.h
 * The one place that defines how a real latent becomes complex channel symbols.
 *
 * A latent is a C×H×W real tensor (per image). Flatten it row-major (C, then H, then W) into
 * 2k reals r[0..2k); complex symbol j is s[j] = r[2j] + i·r[2j+1], j = 0..k-1. So consecutive
 * reals pair as I/Q, and k = C·H·W/2 (C·H·W must be even). The inverse un-pairs the same way.
 * Every channel model, the OFDM mapper and the blocks go through these functions (or the
 * tensor versions, which are views with exactly this layout).
 *
 * Power normalisation: per image, the latent is scaled so that the mean complex-symbol power
 * (1/k)·Σ|s_j|² = (1/k)·Σ r² equals 1 (an all-zero latent is left unchanged).
 */

#include <complex>
#include <cstddef>
#include <vector>

namespace at {
class Tensor;
}

namespace semsteg {

//! Number of complex symbols for `num_reals` latent values; throws semsteg::error if odd.
size_t num_symbols_for_reals(size_t num_reals);

//! reals (2k) → symbols (k), per the pairing above.
std::vector<std::complex<float>> latent_to_symbols(const float* reals, size_t num_reals);

//! symbols (k) → reals (2k), the exact inverse of latent_to_symbols.
std::vector<float> symbols_to_latent(const std::complex<float>* symbols, size_t num_symbols);

//! Scales `reals` in place to unit mean complex-symbol power; returns the scale applied.
float normalize_power(float* reals, size_t num_reals);

/*!
 * Tensor versions (defined in a torch translation unit). `latent` is [B, C, H, W] (or
 * [B, anything] with an even per-image size); the result is a complex64 [B, k] tensor that
 * is a view with the pairing above, and complex_to_latent is its inverse given the latent
 * shape. normalize_power_batch scales each image to unit mean symbol power (differentiable).
 */
at::Tensor latent_to_complex(const at::Tensor& latent);
at::Tensor complex_to_latent(const at::Tensor& symbols, const at::Tensor& like_latent);
at::Tensor normalize_power_batch(const at::Tensor& latent);

} // namespace semsteg

#endif
