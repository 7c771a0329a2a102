/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_PHY_FFT_H
#define INCLUDED_SEMSTEG_PHY_FFT_H

#include <semsteg/phy/frame_params.h>

namespace semsteg {
namespace phy {

/*!
 * A thin owner of one FFTW single-precision plan with its aligned in/out buffers.
 * Unitary scaling (1/√N both ways) so that per-carrier powers equal time-domain powers.
 * Not copyable; one per thread (each transmitter/receiver owns its own).
 */
class fft_engine
{
public:
    fft_engine(int fft_len, bool forward);
    ~fft_engine();
    fft_engine(const fft_engine&) = delete;
    fft_engine& operator=(const fft_engine&) = delete;

    cf* input() { return d_in; }
    const cf* output() const { return d_out; }
    //! Transforms input() into output(), scaled by 1/√N.
    void execute();
    int size() const { return d_len; }

private:
    int d_len;
    cf* d_in;
    cf* d_out;
    void* d_plan; // fftwf_plan, kept opaque so that users need not include fftw3.h
};

} // namespace phy
} // namespace semsteg

#endif
