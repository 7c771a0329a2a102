/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_TENSOR_IMAGES_H
#define INCLUDED_SEMSTEG_TENSOR_IMAGES_H

/*!
 * \file tensor_images.h
 * Images (image.h) to tensors and back.

 * Tensors: images are float [B, 3, H, W] in [0,1]; latents are float [B, C, H/4, W/4] with
 * unit mean complex-symbol power per image (see latent_symbols.h for the I/Q pairing).
 * A torch header: include it only where torch is needed (the facades, semantic.h, are
 * torch-free).
 */

#include <semsteg/image.h>
#include <vector>

#include <torch/torch.h>

namespace semsteg {

//! images ↔ tensors [B,3,H,W]; all images must have the same size.
torch::Tensor images_to_tensor(const std::vector<image>& images);
std::vector<image> tensor_to_images(const torch::Tensor& batch);

} // namespace semsteg

#endif
