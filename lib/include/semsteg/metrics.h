/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_METRICS_H
#define INCLUDED_SEMSTEG_METRICS_H

/*!
 * \file metrics.h
 * Image-quality metrics on batches [B,3,H,W] with values in [0,1]; each returns a [B] tensor.
 * The one place that defines the variants used throughout gr-semsteg:
 *
 * - PSNR: 10·log10(1/MSE) over all pixels and channels of each image. Identical images
 *   (MSE = 0) give the documented cap psnr_cap_db = 100 dB instead of infinity, so means
 *   over a batch stay finite.
 * - SSIM: Wang et al. 2004 with an 11×11 Gaussian window (σ = 1.5), K1 = 0.01, K2 = 0.03,
 *   data range 1, population (not sample) statistics, "valid" filtering (no padding), the
 *   SSIM map averaged over positions and over the three channels. This equals
 *   skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5,
 *   use_sample_covariance=False, data_range=1, channel_axis=...), which crops the padded border.
 * - MS-SSIM: Wang et al. 2003 with the same window. Standard MS-SSIM has 5 scales and needs
 *   images above 160 px; at 64×64 only the scales whose side is still ≥ 11 after 2×2 average
 *   pooling are used (64, 32, 16 → 3 scales), with the standard weights
 *   (0.0448, 0.2856, 0.3001, 0.2363, 0.1333) truncated to those scales and renormalised to
 *   sum 1. Per channel: Π_{j<M} relu(cs_j)^{w_j} · relu(ssim_M)^{w_M}, then averaged over the
 *   three channels.
 *
 * Tests compare these against fixtures from skimage / an independent numpy implementation
 * (tests/fixtures/make_metric_fixtures.py).
 */

#include <ATen/core/Tensor.h>

namespace semsteg {

constexpr double psnr_cap_db = 100.0;

at::Tensor psnr(const at::Tensor& a, const at::Tensor& b);
at::Tensor ssim(const at::Tensor& a, const at::Tensor& b);
at::Tensor ms_ssim(const at::Tensor& a, const at::Tensor& b);

//! Number of MS-SSIM scales used for an image of the given shorter side.
int ms_ssim_scales(int side);

} // namespace semsteg

#endif
