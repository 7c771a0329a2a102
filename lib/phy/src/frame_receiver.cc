/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/phy/frame_receiver.h>

#include <algorithm>
#include <cmath>
#include <volk/volk.h>

namespace semsteg {
namespace phy {

namespace {
constexpr uint64_t trim_min_samples = 1u << 16;
}

frame_receiver::frame_receiver(const frame_params& params, const receiver_config& config)
    : d_params((params.validate(), params))
    , d_cfg(config)
    , d_header_codec(params)
    , d_metric(params.fft_len / 2)
    , d_int_cfo(params, config.max_cfo_subcarriers)
    , d_chan_est(params, config.smooth_channel)
    , d_eq(params, config.track_amplitude)
    , d_fft(params.fft_len, true)
{
    if (config.timing_backoff < 0 || config.timing_backoff >= params.cp_len)
        throw error("frame_receiver: timing_backoff must be in [0, cp_len)");
    // LTF body in time, for fine timing by cross-correlation.
    fft_engine ifft(params.fft_len, false);
    const auto ltf = params.ltf_symbol();
    std::copy(ltf.begin(), ltf.end(), ifft.input());
    ifft.execute();
    d_ltf_time.assign(ifft.output(), ifft.output() + params.fft_len);
    d_bins_a.resize(params.fft_len);
    d_bins_b.resize(params.fft_len);
    d_soft.resize(d_header_codec.num_slots());
}

void frame_receiver::push(const cf* samples, size_t n, std::vector<received_frame>& out)
{
    const size_t old = d_buf.size();
    d_buf.insert(d_buf.end(), samples, samples + n);
    // Non-finite samples would poison every running sum: zero them, remember where.
    for (size_t i = old; i < d_buf.size(); ++i) {
        const cf v = d_buf[i];
        if (std::isfinite(v.real()) && std::isfinite(v.imag()))
            continue;
        d_buf[i] = 0.0f;
        const uint64_t pos = d_base + i;
        if (!d_bad.empty() && d_bad.back().second == pos)
            d_bad.back().second = pos + 1;
        else
            d_bad.emplace_back(pos, pos + 1);
    }
    while (step(out)) { }
    trim();
}

bool frame_receiver::step(std::vector<received_frame>& out)
{
    switch (d_state) {
    case state::search:
        return try_search();
    case state::preamble:
        return try_preamble();
    case state::payload:
        return try_payload(out);
    }
    return false;
}

bool frame_receiver::try_search()
{
    const uint64_t two_l = static_cast<uint64_t>(d_params.fft_len);
    if (end() < d_search_pos + two_l)
        return false;
    const size_t points = static_cast<size_t>(end() - two_l + 1 - d_search_pos);
    const size_t hit
        = d_metric.find_first_above(at(d_search_pos), points, d_cfg.sc_threshold);
    if (hit == points) {
        d_search_pos += points;
        return false;
    }
    d_cross = d_search_pos + hit;
    d_state = state::preamble;
    return true;
}

bool frame_receiver::has_nonfinite(uint64_t from, uint64_t to) const
{
    for (const auto& r : d_bad)
        if (r.first < to && r.second > from)
            return true;
    return false;
}

void frame_receiver::fft_symbol(uint64_t window_start, cf* bins_out)
{
    const double rel = static_cast<double>(static_cast<int64_t>(window_start - d_ltf_start));
    derotate(at(window_start), d_fft.input(), d_params.fft_len, d_eps, d_params.fft_len, rel);
    d_fft.execute();
    std::copy(d_fft.output(), d_fft.output() + d_params.fft_len, bins_out);
}

void frame_receiver::reject_after_sync(bool crc_failed)
{
    ++d_counters.detected;
    if (crc_failed)
        ++d_counters.header_crc_failed;
    else
        ++d_counters.dropped_invalid;
    // Resume behind the SC symbol, or it would be detected again.
    d_search_pos = std::max(d_cross + 1, d_ltf_start);
    d_state = state::search;
}

bool frame_receiver::try_preamble()
{
    const int N = d_params.fft_len, cp = d_params.cp_len, S = d_params.symbol_len();
    const int L = N / 2;
    const int H = d_params.header_ofdm_symbols();
    const int window = cp + L; // plateau search span from the crossing
    const uint64_t need = d_cross + static_cast<uint64_t>((3 + H) * S + 3 * cp + N + window);
    if (end() < need)
        return false;

    // 1. Plateau: the 90 %-of-maximum span of the metric; its middle lies mid-CP.
    std::vector<float> metric(window);
    std::vector<cf> p(window);
    d_metric.compute(at(d_cross), window, metric.data(), p.data());
    const float peak = *std::max_element(metric.begin(), metric.end());
    int first = -1, last = -1, above = 0;
    for (int i = 0; i < window; ++i) {
        if (metric[i] >= 0.9f * peak) {
            if (first < 0)
                first = i;
            last = i;
        }
        if (metric[i] > d_cfg.sc_threshold)
            above = i;
    }
    auto false_alarm = [&]() {
        ++d_counters.false_alarms;
        d_search_pos = d_cross + above + 1;
        d_state = state::search;
        return true;
    };
    if (first < 0)
        return false_alarm();
    cf p_sum = 0.0f;
    for (int i = first; i <= last; ++i)
        p_sum += p[i];
    const uint64_t d_mid = d_cross + static_cast<uint64_t>((first + last) / 2);
    const double eps_frac = fractional_cfo_from_p(p_sum);

    // 2. Integer CFO from the SC symbol and LTF1, both windows starting mid-CP.
    derotate(at(d_mid), d_fft.input(), N, eps_frac, N, 0.0);
    d_fft.execute();
    std::copy(d_fft.output(), d_fft.output() + N, d_bins_a.begin());
    derotate(at(d_mid + S), d_fft.input(), N, eps_frac, N, S);
    d_fft.execute();
    std::copy(d_fft.output(), d_fft.output() + N, d_bins_b.begin());
    float int_metric = 0.0f;
    const int shift = d_int_cfo.estimate(d_bins_a.data(), d_bins_b.data(), &int_metric);
    if (!(int_metric >= d_cfg.integer_cfo_min_metric))
        return false_alarm();
    d_eps = eps_frac + shift;

    // 3. Fine timing: correlate with the known LTF around the expected start; the metric
    //    |a|·|b| needs both LTF copies to match (|a|² + |b|² would also peak one symbol
    //    early, where the second window sees LTF1). Then take the earliest path within
    //    7 dB of the strongest.
    const uint64_t expect = d_mid + cp / 2 + S;
    const int search = cp + L / 2; // the plateau middle is uncertain by about ±cp/2
    const uint64_t region = expect - search;
    const int span = 2 * search + 1;
    d_scratch.resize(static_cast<size_t>(span + S + N));
    derotate(at(region), d_scratch.data(), d_scratch.size(), d_eps, N, 0.0);
    std::vector<float> corr(span);
    for (int t = 0; t < span; ++t) {
        lv_32fc_t a, b;
        volk_32fc_x2_conjugate_dot_prod_32fc(&a, d_scratch.data() + t, d_ltf_time.data(), N);
        volk_32fc_x2_conjugate_dot_prod_32fc(
            &b, d_scratch.data() + t + S, d_ltf_time.data(), N);
        corr[t] = std::abs(a) * std::abs(b);
    }
    const int best
        = static_cast<int>(std::max_element(corr.begin(), corr.end()) - corr.begin());
    float e_rx1 = 0.0f, e_rx2 = 0.0f, e_ltf = 0.0f;
    for (int m = 0; m < N; ++m) {
        e_rx1 += std::norm(d_scratch[best + m]);
        e_rx2 += std::norm(d_scratch[best + S + m]);
        e_ltf += std::norm(d_ltf_time[m]);
    }
    const float e_rx = std::sqrt(e_rx1 * e_rx2);
    // Energy captured around the peak (±1 sample: a fractional timing offset splits it),
    // relative to the Cauchy-Schwarz bound: about 0.1 for noise or a tone, 0.4-1 for an LTF.
    float captured = 0.0f;
    for (int t = std::max(0, best - 1); t <= std::min(span - 1, best + 1); ++t)
        captured += corr[t];
    const float corr_norm = e_rx > 0.0f ? captured / (e_rx * e_ltf) : 0.0f;
    if (!(corr_norm >= d_cfg.ltf_corr_min))
        return false_alarm();
    int first_path = best;
    for (int t = std::max(0, best - cp / 2); t < best; ++t)
        if (corr[t] >= 0.2f * corr[best]) {
            first_path = t;
            break;
        }
    d_ltf_start = region + first_path;

    // 4. Residual CFO from the two identical LTFs (one symbol apart).
    {
        lv_32fc_t r;
        volk_32fc_x2_conjugate_dot_prod_32fc(
            &r, d_scratch.data() + first_path + S, d_scratch.data() + first_path, N);
        d_eps += std::arg(r) * N / (2.0 * M_PI * S);
    }

    const uint64_t win0 = d_ltf_start - d_cfg.timing_backoff;
    auto window_start = [&](int i) { return win0 + static_cast<uint64_t>(i) * S; };
    if (has_nonfinite(d_cross, window_start(2 + H) + N)) {
        reject_after_sync(false);
        return true;
    }

    // 5. Channel and noise from the LTFs.
    fft_symbol(window_start(0), d_bins_a.data());
    fft_symbol(window_start(1), d_bins_b.data());
    d_chan = d_chan_est.estimate(d_bins_a.data(), d_bins_b.data());
    d_eq.set_channel(d_chan.h, d_cfg.mmse_equalizer ? d_chan.noise_var : 0.0f);

    // 6. Header.
    const int n_data = d_params.num_data();
    d_header_bins.resize(static_cast<size_t>(H) * N);
    for (int i = 0; i < H; ++i) {
        cf* bins = d_header_bins.data() + static_cast<size_t>(i) * N;
        fft_symbol(window_start(2 + i), bins);
        d_eq.matched(bins, static_cast<size_t>(i), d_soft.data() + i * n_data);
    }
    frame_header hdr;
    if (!d_header_codec.decode(d_soft.data(), d_soft.size(), hdr)) {
        reject_after_sync(true);
        return true;
    }
    if (!header_is_valid(d_params, hdr)) {
        reject_after_sync(false);
        return true;
    }
    d_hdr = hdr;
    refine_channel_with_header(window_start(0));
    d_state = state::payload;
    return true;
}

void frame_receiver::refine_channel_with_header(uint64_t ltf1_window)
{
    // The header passed its CRC, so re-encoding it gives the exact transmitted header
    // symbols: known data on every occupied carrier of header_ofdm_symbols() more symbols
    // (20 by default). (Digital,
    // CRC-verified symbols only; nothing is ever decided about the analog payload.) Each
    // symbol's common phase (residual CFO) is measured on all its carriers and removed before
    // averaging.
    const int N = d_params.fft_len;
    const int H = d_params.header_ofdm_symbols();
    const int n_data = d_params.num_data();
    const auto slots = d_header_codec.encode(d_hdr);
    std::vector<cf> sum(N, 0.0f), ls(N);
    for (int i = 0; i < H; ++i) {
        const cf* bins = d_header_bins.data() + static_cast<size_t>(i) * N;
        std::fill(ls.begin(), ls.end(), cf(0.0f));
        for (int d = 0; d < n_data; ++d) {
            const int b = d_params.bin(d_params.data_carriers[d]);
            ls[b] = bins[b] * std::conj(slots[static_cast<size_t>(i) * n_data + d]);
        }
        const float pol = d_params.pilot_polarity(static_cast<size_t>(i));
        for (int p = 0; p < d_params.num_pilots(); ++p) {
            const int b = d_params.bin(d_params.pilot_carriers[p]);
            ls[b] = bins[b] * std::conj(d_params.pilot_values[p] * pol);
        }
        cf acc = 0.0f;
        for (int b = 0; b < N; ++b)
            acc += ls[b] * std::conj(d_chan.h[b]);
        const cf align = std::polar(1.0f, -std::arg(acc));
        for (int b = 0; b < N; ++b)
            sum[b] += ls[b] * align;
    }
    fft_symbol(ltf1_window, d_bins_a.data());
    fft_symbol(ltf1_window + d_params.symbol_len(), d_bins_b.data());
    d_chan = d_chan_est.estimate(d_bins_a.data(), d_bins_b.data(), sum, H);
    d_eq.set_channel(d_chan.h, d_cfg.mmse_equalizer ? d_chan.noise_var : 0.0f);
}

bool frame_receiver::try_payload(std::vector<received_frame>& out)
{
    const int N = d_params.fft_len, S = d_params.symbol_len();
    const int H = d_params.header_ofdm_symbols();
    const int P = d_hdr.payload_ofdm_symbols;
    const uint64_t win0 = d_ltf_start - d_cfg.timing_backoff;
    auto window_start = [&](int i) { return win0 + static_cast<uint64_t>(i) * S; };
    const uint64_t frame_end = window_start(2 + H + P - 1) + N;
    if (end() < frame_end)
        return false;

    ++d_counters.detected;
    d_state = state::search;
    if (has_nonfinite(d_cross, frame_end)) {
        ++d_counters.dropped_invalid;
        d_search_pos = d_ltf_start + S;
        return true;
    }

    // Pass 1: FFTs and pilot correlations of all payload symbols, energies for the tail
    // check.
    const int n_data = d_params.num_data();
    const int n_pilots = d_params.num_pilots();
    d_payload_bins.resize(static_cast<size_t>(P) * N);
    d_pilot_corr.resize(P);
    std::vector<float> energy(P);
    std::vector<int> used(P);
    for (int j = 0; j < P; ++j) {
        cf* bins = d_payload_bins.data() + static_cast<size_t>(j) * N;
        fft_symbol(window_start(2 + H + j), bins);
        used[j] = std::min<int>(n_data, static_cast<int>(d_hdr.num_symbols) - j * n_data);
        energy[j] = d_eq.energy(bins, used[j]);
        d_pilot_corr[j] = d_eq.pilot_correlation(bins, static_cast<size_t>(H + j));
        // A full symbol with (almost) no signal is a hole: the burst ended here.
        if (used[j] == n_data
            && !(energy[j]
                 >= d_chan.noise_var + d_cfg.min_symbol_energy * d_chan.signal_power)) {
            ++d_counters.dropped_invalid;
            d_search_pos = window_start(2 + H + j); // the next burst may start here
            return true;
        }
    }
    // A burst cut short ends in noise, wherever the cut is: check the mean energy of the
    // last symbols that carry at least 2 × (occupied carriers) values, which is accurate
    // enough to tell noise from signal at low SNR where a single, padded symbol is not.
    {
        double e = 0.0;
        int carriers = 0;
        for (int j = P - 1; j >= 0 && carriers < 2 * (n_data + n_pilots); --j) {
            e += static_cast<double>(energy[j]) * (used[j] + n_pilots);
            carriers += used[j] + n_pilots;
        }
        const double min_energy
            = d_chan.noise_var + d_cfg.min_tail_energy * d_chan.signal_power;
        if (!(e / carriers >= min_energy)) {
            // Drop the frame; search again from the payload, where the next burst may be.
            ++d_counters.dropped_invalid;
            d_search_pos = window_start(2 + H);
            return true;
        }
    }
    // Pass 2: smoothed pilot phase (and gain), static equaliser.
    const auto corrections
        = smooth_pilot_phases(d_pilot_corr,
                              d_cfg.pilot_smoothing,
                              d_cfg.track_amplitude ? d_eq.pilot_power() : 0.0f);
    received_frame f;
    f.symbols.resize(static_cast<size_t>(P) * n_data);
    for (int j = 0; j < P; ++j)
        d_eq.apply(d_payload_bins.data() + static_cast<size_t>(j) * N,
                   corrections[j],
                   f.symbols.data() + static_cast<size_t>(j) * n_data);
    f.symbols.resize(d_hdr.num_symbols);
    // Finite input can still overflow float (samples near 1e19 square to Inf): never hand
    // out a NaN/Inf latent.
    for (const auto& v : f.symbols)
        if (!std::isfinite(v.real()) || !std::isfinite(v.imag())) {
            ++d_counters.dropped_invalid;
            d_search_pos = frame_end;
            return true;
        }
    f.header = d_hdr;
    f.snr_est_db = d_chan.snr_db;
    f.noise_var = d_chan.noise_var;
    f.cfo_est = static_cast<float>(d_eps);
    f.crc_ok = true;
    f.start_sample = d_ltf_start;
    out.push_back(std::move(f));
    ++d_counters.delivered;
    if (d_have_last_seq) {
        const uint32_t gap = d_hdr.seq - d_last_seq - 1u;
        if (gap < (1u << 16))
            d_counters.seq_gaps += gap;
        else // a restarted sender (or reordering) is no loss
            ++d_counters.seq_restarts;
    } else {
        d_counters.first_seq = d_hdr.seq;
    }
    d_have_last_seq = true;
    d_last_seq = d_hdr.seq;
    d_counters.last_seq = d_hdr.seq;
    d_search_pos = frame_end;
    return true;
}

void frame_receiver::trim()
{
    const uint64_t keep_from = d_state == state::search ? d_search_pos : d_cross;
    auto stale = d_bad.begin();
    while (stale != d_bad.end() && stale->second <= keep_from)
        ++stale;
    d_bad.erase(d_bad.begin(), stale);
    const uint64_t dead = keep_from - d_base;
    if (dead >= trim_min_samples && dead * 2 >= d_buf.size()) {
        d_buf.erase(d_buf.begin(), d_buf.begin() + static_cast<ptrdiff_t>(dead));
        d_base = keep_from;
    }
}

} // namespace phy
} // namespace semsteg
