/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/latent_symbols.h>

#include <cmath>

namespace semsteg {

size_t num_symbols_for_reals(size_t num_reals)
{
    if (num_reals % 2 != 0)
        throw error("latent: " + std::to_string(num_reals)
                    + " reals cannot pair into complex symbols (need an even count)");
    return num_reals / 2;
}

std::vector<std::complex<float>> latent_to_symbols(const float* reals, size_t num_reals)
{
    const size_t k = num_symbols_for_reals(num_reals);
    std::vector<std::complex<float>> symbols(k);
    for (size_t j = 0; j < k; ++j)
        symbols[j] = { reals[2 * j], reals[2 * j + 1] };
    return symbols;
}

std::vector<float> symbols_to_latent(const std::complex<float>* symbols, size_t num_symbols)
{
    std::vector<float> reals(2 * num_symbols);
    for (size_t j = 0; j < num_symbols; ++j) {
        reals[2 * j] = symbols[j].real();
        reals[2 * j + 1] = symbols[j].imag();
    }
    return reals;
}

float normalize_power(float* reals, size_t num_reals)
{
    const size_t k = num_symbols_for_reals(num_reals);
    double energy = 0.0;
    for (size_t i = 0; i < num_reals; ++i)
        energy += static_cast<double>(reals[i]) * reals[i];
    if (k == 0 || energy <= 0.0)
        return 1.0f;
    const float scale = static_cast<float>(std::sqrt(static_cast<double>(k) / energy));
    for (size_t i = 0; i < num_reals; ++i)
        reals[i] *= scale;
    return scale;
}

} // namespace semsteg
