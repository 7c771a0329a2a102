/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_NN_INTERNAL_H
#define INCLUDED_SEMSTEG_NN_INTERNAL_H

// Small helpers the networks' translation units share (not installed).

#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace semsteg {
namespace nn_internal {

inline torch::nn::Conv2d conv(int in, int out, int kernel, int stride = 1)
{
    return torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2));
}

inline int json_int(const nlohmann::json& j, const char* key, int fallback)
{
    return j.contains(key) ? j.at(key).get<int>() : fallback;
}

inline double json_double(const nlohmann::json& j, const char* key, double fallback)
{
    return j.contains(key) ? j.at(key).get<double>() : fallback;
}

// Random draws come from a CPU generator whatever the device of `like` (a CPU generator
// cannot fill GPU memory), so one seed gives one realisation on any device.
inline torch::Tensor
randn_on_cpu(at::IntArrayRef sizes, torch::Generator& gen, const torch::Tensor& like)
{
    return torch::randn(sizes, gen, like.options().device(torch::kCPU));
}

} // namespace nn_internal
} // namespace semsteg

#endif
