/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/covert.h>
#include <semsteg/error.h>

#include <torch/fft.h>
#include <torch/linalg.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>
#include <numeric>
#include <random>

namespace semsteg {

namespace {

void check_latent(const torch::Tensor& z, const char* what)
{
    if (!z.defined() || z.dim() != 4 || z.size(0) == 0)
        throw error(std::string(what) + ": expected latents [B,C,h,w] with B > 0");
}

// [bands, h, w]: which radial band each 2-D frequency falls in (the DC term in the first).
torch::Tensor make_band_masks(int64_t h, int64_t w)
{
    auto fy = torch::fft::fftfreq(h, torch::TensorOptions().dtype(torch::kFloat));
    auto fx = torch::fft::fftfreq(w, torch::TensorOptions().dtype(torch::kFloat));
    auto r = (fy.unsqueeze(1).pow(2) + fx.unsqueeze(0).pow(2)).sqrt() / std::sqrt(0.5);
    auto band = (r * spectrum_bands).floor().clamp_max(spectrum_bands - 1).to(torch::kLong);
    auto masks = torch::zeros({ spectrum_bands, h, w });
    for (int b = 0; b < spectrum_bands; ++b)
        masks[b] = (band == b).to(torch::kFloat);
    return masks;
}

// The band masks, built once per latent size (on the CPU; training asks every step).
torch::Tensor band_masks(int64_t h, int64_t w, const torch::TensorOptions& opts)
{
    static std::mutex mutex;
    static std::map<std::pair<int64_t, int64_t>, torch::Tensor> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto& masks = cache[{ h, w }];
    if (!masks.defined())
        masks = make_band_masks(h, w);
    return masks.to(opts);
}

} // namespace

torch::Tensor latent_statistics(const torch::Tensor& latent)
{
    check_latent(latent, "latent_statistics");
    const auto z = latent.to(torch::kFloat);
    const int64_t h = z.size(2), w = z.size(3);
    auto mean = z.mean({ 2, 3 });
    auto centred = z - mean.unsqueeze(-1).unsqueeze(-1);
    auto var = centred.pow(2).mean({ 2, 3 });
    auto kurtosis = centred.pow(4).mean({ 2, 3 }) / (var.pow(2) + 1e-8) - 3.0;
    auto power = torch::fft::fft2(z).abs().pow(2) / static_cast<double>(h * w);
    auto masks = band_masks(h, w, z.options()); // [n,h,w]
    auto counts = masks.sum({ 1, 2 }).clamp_min(1.0); // a band may be empty on tiny latents
    auto band_power = torch::einsum("bchw,nhw->bcn", { power, masks }) / counts;
    auto log_power = (band_power + 1e-6).log().flatten(1);
    // Channel pairs' correlation over the positions: a payload mixed into some channels
    // can change how they move together while each channel alone looks plain.
    const int64_t c = z.size(1);
    auto flat = centred.flatten(2); // [B,C,h·w]
    auto cov = flat.matmul(flat.transpose(1, 2)) / static_cast<double>(h * w);
    auto sd = (var + 1e-8).sqrt();
    auto corr = cov / (sd.unsqueeze(2) * sd.unsqueeze(1));
    auto upper = torch::triu_indices(
        c, c, 1, torch::TensorOptions().dtype(torch::kLong).device(z.device()));
    auto pairs = corr.index({ torch::indexing::Slice(), upper[0], upper[1] });
    return torch::cat({ mean, var, kurtosis, log_power, pairs }, 1);
}

torch::Tensor statistics_gap(const torch::Tensor& containers, const torch::Tensor& plain)
{
    check_latent(containers, "statistics_gap");
    check_latent(plain, "statistics_gap");
    return statistics_gap_of(latent_statistics(containers), latent_statistics(plain));
}

torch::Tensor statistics_gap_of(const torch::Tensor& sc, const torch::Tensor& sp)
{
    if (sc.dim() != 2 || sp.dim() != 2 || sc.size(1) != sp.size(1))
        throw error("statistics_gap: statistics must be [B,F] with the same F");
    // Standardised by the plain latents (no gradient through the reference). The floor on
    // the deviation keeps a nearly constant statistic from dominating.
    const auto mu = sp.mean(0).detach();
    const auto sd = sp.std(0, /*unbiased=*/false).detach() + 1e-2;
    const auto a = (sc - mu) / sd, b = (sp.detach() - mu) / sd;
    const auto moments = (a.mean(0) - b.mean(0)).pow(2).mean();
    auto sqdist = [](const torch::Tensor& x, const torch::Tensor& y) {
        return (x.pow(2).sum(1, true) + y.pow(2).sum(1).unsqueeze(0) - 2 * x.matmul(y.t()))
            .clamp_min(0);
    };
    const auto daa = sqdist(a, a), dbb = sqdist(b, b), dab = sqdist(a, b);
    // Median heuristic for the bandwidth (no gradient through it).
    const auto bandwidth = dab.detach().median().clamp_min(1e-3);
    const auto mmd = torch::exp(-daa / bandwidth).mean() + torch::exp(-dbb / bandwidth).mean()
        - 2 * torch::exp(-dab / bandwidth).mean();
    return moments + mmd;
}

std::vector<std::string> latent_statistic_names(int64_t channels)
{
    // The column order of latent_statistics: all means, all variances, all kurtoses, each
    // channel's bands, then the channel pairs (row-major upper triangle).
    std::vector<std::string> names;
    for (const char* what : { "mean", "variance", "kurtosis" })
        for (int64_t c = 0; c < channels; ++c)
            names.push_back("ch" + std::to_string(c) + " " + what);
    for (int64_t c = 0; c < channels; ++c)
        for (int b = 0; b < spectrum_bands; ++b)
            names.push_back("ch" + std::to_string(c) + " band " + std::to_string(b)
                            + " log power");
    for (int64_t i = 0; i < channels; ++i)
        for (int64_t j = i + 1; j < channels; ++j)
            names.push_back("ch" + std::to_string(i) + "-ch" + std::to_string(j)
                            + " correlation");
    return names;
}

torch::Tensor statistics_discriminant(const torch::Tensor& container_stats,
                                      const torch::Tensor& plain_stats,
                                      const torch::Tensor& covariance)
{
    if (!container_stats.defined() || !plain_stats.defined() || container_stats.dim() != 2
        || plain_stats.dim() != 2 || container_stats.size(1) != plain_stats.size(1)
        || container_stats.size(0) == 0 || plain_stats.size(0) == 0)
        throw error(
            "statistics_discriminant: expected statistics [B,F] of the same F, B > 0");
    const int64_t f = plain_stats.size(1);
    torch::Tensor sigma;
    if (covariance.defined()) {
        if (covariance.dim() != 2 || covariance.size(0) != f || covariance.size(1) != f)
            throw error("statistics_discriminant: the covariance must be [F,F] with F = "
                        + std::to_string(f));
        sigma = covariance.detach().to(plain_stats.device(), torch::kDouble);
    } else {
        const auto p = plain_stats.detach().to(torch::kDouble);
        const auto centred = p - p.mean(0, true);
        sigma = centred.t().matmul(centred)
            / static_cast<double>(std::max<int64_t>(1, p.size(0)));
    }
    // Shrinkage towards the diagonal, and a floor relative to the mean variance: a few dozen
    // samples cannot estimate F² entries, and a constant statistic must not blow up.
    const auto diag = sigma.diagonal();
    const double floor = 1e-3 * diag.mean().item<double>() + 1e-8;
    sigma = 0.9 * sigma + 0.1 * torch::diag(diag) + floor * torch::eye(f, sigma.options());
    const auto chol = torch::linalg::cholesky(sigma);
    const auto delta
        = (container_stats.mean(0) - plain_stats.detach().mean(0)).to(torch::kDouble);
    const auto solved = torch::cholesky_solve(delta.unsqueeze(1), chol).squeeze(1);
    return (delta * solved).sum().to(container_stats.scalar_type());
}

running_covariance::running_covariance(double momentum) : d_momentum(momentum)
{
    if (!(momentum >= 0 && momentum < 1))
        throw error("running_covariance: the momentum must be in [0, 1)");
}

void running_covariance::update(const torch::Tensor& features)
{
    if (!features.defined() || features.dim() != 2 || features.size(0) == 0)
        throw error("running_covariance: expected features [B,F] with B > 0");
    if (d_covariance.defined() && d_covariance.size(0) != features.size(1))
        throw error("running_covariance: " + std::to_string(features.size(1))
                    + " features after " + std::to_string(d_covariance.size(0)));
    torch::NoGradGuard ng;
    const auto x = features.detach().to(torch::kDouble);
    const auto mean = x.mean(0);
    const auto centred = x - mean;
    const auto cov = centred.t().matmul(centred) / static_cast<double>(x.size(0));
    ++d_updates;
    const double a = std::max(1.0 / static_cast<double>(d_updates), 1.0 - d_momentum);
    if (!d_covariance.defined()) {
        d_mean = mean;
        d_covariance = cov;
        return;
    }
    // The batches' own spread plus the spread of their means around the running mean.
    const auto shift = (mean - d_mean).unsqueeze(1);
    d_covariance = (1 - a) * d_covariance + a * cov + a * (1 - a) * shift.matmul(shift.t());
    d_mean = (1 - a) * d_mean + a * mean;
}

std::vector<telling_statistic>
telling_statistics(const torch::Tensor& plain, const torch::Tensor& containers, size_t count)
{
    check_latent(plain, "telling_statistics");
    check_latent(containers, "telling_statistics");
    torch::NoGradGuard ng;
    return telling_features(latent_statistics(plain.to(torch::kCPU)),
                            latent_statistics(containers.to(torch::kCPU)),
                            latent_statistic_names(plain.size(1)),
                            count);
}

std::vector<telling_statistic> telling_features(const torch::Tensor& plain,
                                                const torch::Tensor& containers,
                                                const std::vector<std::string>& names,
                                                size_t count)
{
    if (plain.dim() != 2 || containers.dim() != 2 || plain.size(1) != containers.size(1)
        || static_cast<size_t>(plain.size(1)) != names.size())
        throw error("telling_features: features must be [B,F] for both classes with F names");
    std::vector<telling_statistic> all;
    for (int64_t k = 0; k < plain.size(1); ++k)
        all.push_back({ names[static_cast<size_t>(k)],
                        roc_auc(plain.select(1, k), containers.select(1, k)) });
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
        return std::abs(a.auc - 0.5) > std::abs(b.auc - 0.5);
    });
    all.resize(std::min(count, all.size()));
    return all;
}

// ---------------------------------------------------------------- detector_ensemble

detector_ensemble::detector_ensemble(int count,
                                     const detector_config& cfg,
                                     double lr,
                                     const torch::Device& device)
    : d_cfg(cfg), d_lr(lr), d_device(device)
{
    if (count <= 0)
        throw error("detector_ensemble: at least one member is needed");
    for (int k = 0; k < count; ++k) {
        d_members.emplace_back(cfg);
        d_members.back()->to(device);
        d_optimizers.push_back(std::make_unique<torch::optim::Adam>(
            d_members.back()->parameters(), torch::optim::AdamOptions(lr)));
        d_running_accuracy.push_back(0.5);
    }
}

void detector_ensemble::train_step(const torch::Tensor& plain,
                                   const torch::Tensor& containers)
{
    check_latent(plain, "detector_ensemble");
    check_latent(containers, "detector_ensemble");
    const auto x = torch::cat({ plain.detach(), containers.detach() });
    const auto labels = torch::cat({ torch::zeros({ plain.size(0) }, x.options()),
                                     torch::ones({ containers.size(0) }, x.options()) });
    for (size_t k = 0; k < d_members.size(); ++k) {
        for (auto& p : d_members[k]->parameters())
            p.set_requires_grad(true);
        d_optimizers[k]->zero_grad();
        const auto logits = d_members[k]->forward(x);
        torch::binary_cross_entropy_with_logits(logits, labels).backward();
        d_optimizers[k]->step();
        const double acc = ((logits.detach() > 0).to(torch::kFloat) == labels)
                               .to(torch::kFloat)
                               .mean()
                               .item<double>();
        d_running_accuracy[k] = 0.95 * d_running_accuracy[k] + 0.05 * acc;
    }
}

torch::Tensor detector_ensemble::evasion_loss(const torch::Tensor& containers,
                                              bool against_all)
{
    check_latent(containers, "detector_ensemble");
    torch::Tensor best, sum;
    double best_value = -1;
    for (auto& m : d_members) {
        // Only the containers need gradients; the detectors are trained in train_step.
        for (auto& p : m->parameters())
            p.set_requires_grad(false);
        // Containers labelled plain: BCE(logit, 0) = softplus(logit).
        auto l = torch::nn::functional::softplus(m->forward(containers)).mean();
        if (against_all) {
            sum = sum.defined() ? sum + l : l;
            continue;
        }
        const double v = l.item<double>();
        if (v > best_value) {
            best_value = v;
            best = l;
        }
    }
    return against_all ? sum / static_cast<double>(d_members.size()) : best;
}

size_t detector_ensemble::strongest() const
{
    return static_cast<size_t>(
        std::max_element(d_running_accuracy.begin(), d_running_accuracy.end())
        - d_running_accuracy.begin());
}

void detector_ensemble::refresh_weakest()
{
    const size_t k = static_cast<size_t>(
        std::min_element(d_running_accuracy.begin(), d_running_accuracy.end())
        - d_running_accuracy.begin());
    d_members[k] = detector(d_cfg);
    d_members[k]->to(d_device);
    d_optimizers[k] = std::make_unique<torch::optim::Adam>(d_members[k]->parameters(),
                                                           torch::optim::AdamOptions(d_lr));
    d_running_accuracy[k] = 0.5;
}

double detector_ensemble::strongest_accuracy() const
{
    return d_running_accuracy[strongest()];
}

double detector_ensemble::accuracy(const torch::Tensor& plain,
                                   const torch::Tensor& containers)
{
    torch::NoGradGuard ng;
    auto& m = d_members[strongest()];
    const auto correct = (m->forward(plain) <= 0).to(torch::kFloat).sum()
        + (m->forward(containers) > 0).to(torch::kFloat).sum();
    return correct.item<double>() / static_cast<double>(plain.size(0) + containers.size(0));
}

void detector_ensemble::save(const std::string& path) const
{
    torch::serialize::OutputArchive archive;
    archive.write("count", torch::tensor(static_cast<int64_t>(d_members.size())));
    archive.write("running_accuracy", torch::tensor(d_running_accuracy, torch::kDouble));
    archive.write("calibrated", torch::tensor(static_cast<int64_t>(d_cfg.calibrated)));
    for (size_t k = 0; k < d_members.size(); ++k) {
        torch::serialize::OutputArchive member;
        d_members[k]->save(member);
        archive.write("member" + std::to_string(k), member);
    }
    const std::string tmp = path + ".tmp";
    archive.save_to(tmp);
    std::filesystem::rename(tmp, path);
}

void detector_ensemble::load(const std::string& path)
{
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path, torch::kCPU);
        torch::Tensor count, running;
        archive.read("count", count);
        if (count.item<int64_t>() != static_cast<int64_t>(d_members.size()))
            throw error("'" + path + "' holds " + std::to_string(count.item<int64_t>())
                        + " detectors, " + std::to_string(d_members.size()) + " asked for");
        archive.read("running_accuracy", running);
        // Files from before calibrated adversaries hold plain ones.
        torch::Tensor calibrated;
        const bool file_calibrated
            = archive.try_read("calibrated", calibrated) && calibrated.item<int64_t>() != 0;
        if (file_calibrated != d_cfg.calibrated)
            throw error("'" + path + "' holds " + (file_calibrated ? "calibrated" : "plain")
                        + " detectors, " + (d_cfg.calibrated ? "calibrated" : "plain")
                        + " ones asked for");
        for (size_t k = 0; k < d_members.size(); ++k) {
            torch::serialize::InputArchive member;
            archive.read("member" + std::to_string(k), member);
            d_members[k]->load(member);
            d_members[k]->to(d_device);
            d_optimizers[k] = std::make_unique<torch::optim::Adam>(
                d_members[k]->parameters(), torch::optim::AdamOptions(d_lr));
            d_running_accuracy[k] = running[static_cast<int64_t>(k)].item<double>();
        }
    } catch (const error&) {
        throw;
    } catch (const std::exception& e) {
        throw error("cannot read the covert-training detectors '" + path
                    + "': " + std::string(e.what()).substr(0, 200));
    }
}

// ---------------------------------------------------------------- statistical_steganalyst

void statistical_steganalyst::fit(const torch::Tensor& plain, const torch::Tensor& containers)
{
    torch::NoGradGuard ng;
    fit_features(latent_statistics(plain.to(torch::kCPU)),
                 latent_statistics(containers.to(torch::kCPU)));
}

void statistical_steganalyst::fit_features(const torch::Tensor& plain,
                                           const torch::Tensor& containers)
{
    torch::NoGradGuard outer;
    if (plain.dim() != 2 || containers.dim() != 2 || plain.size(1) != containers.size(1))
        throw error(
            "statistical_steganalyst: features must be [B,F] of one F for both classes");
    if (plain.size(0) < 2 || containers.size(0) < 2)
        throw error(
            "statistical_steganalyst: fitting needs at least two examples of each class");
    const auto feats = torch::cat(
        { plain.to(torch::kCPU, torch::kFloat), containers.to(torch::kCPU, torch::kFloat) });
    const auto labels = torch::cat(
        { torch::zeros({ plain.size(0) }), torch::ones({ containers.size(0) }) });
    d_mean = feats.mean(0);
    d_scale = feats.std(0, /*unbiased=*/false) + 1e-6;
    const auto x = (feats - d_mean) / d_scale;
    auto w = torch::zeros({ x.size(1) }, torch::requires_grad());
    auto b = torch::zeros({ 1 }, torch::requires_grad());
    torch::optim::LBFGS opt(
        { w, b },
        torch::optim::LBFGSOptions(1.0).max_iter(200).line_search_fn("strong_wolfe"));
    {
        torch::AutoGradMode enable(true);
        opt.step([&] {
            opt.zero_grad();
            // A little L2 keeps the fit finite when the classes separate perfectly.
            auto loss = torch::binary_cross_entropy_with_logits(x.matmul(w) + b, labels)
                + 1e-3 * w.pow(2).sum();
            loss.backward();
            return loss;
        });
    }
    d_weights = w.detach();
    d_bias = b.detach();
}

torch::Tensor statistical_steganalyst::score(const torch::Tensor& received) const
{
    if (!fitted())
        throw error("statistical_steganalyst: score before fit");
    torch::NoGradGuard ng;
    return score_features(latent_statistics(received.to(torch::kCPU)));
}

torch::Tensor statistical_steganalyst::score_features(const torch::Tensor& features) const
{
    if (!fitted())
        throw error("statistical_steganalyst: score before fit");
    if (features.dim() != 2 || features.size(1) != d_mean.size(0))
        throw error("statistical_steganalyst: scored features have "
                    + std::to_string(features.dim() == 2 ? features.size(1) : -1)
                    + " columns, fitted on " + std::to_string(d_mean.size(0)));
    torch::NoGradGuard ng;
    const auto x = (features.to(torch::kCPU, torch::kFloat) - d_mean) / d_scale;
    return x.matmul(d_weights) + d_bias;
}

namespace {
void check_received(const jscc_codec_impl& codec, const torch::Tensor& received)
{
    if (received.dim() != 4 || received.size(1) != codec.config().latent_channels())
        throw error("calibration_residual: expected received latents [B,"
                    + std::to_string(codec.config().latent_channels()) + ",h,w]");
}
} // namespace

torch::Tensor calibration_residual(jscc_codec_impl& codec,
                                   const torch::Tensor& received,
                                   const torch::Tensor& decode_snr_db,
                                   const torch::Tensor& encode_snr_db)
{
    check_received(codec, received);
    if (decode_snr_db.numel() != received.size(0)
        || encode_snr_db.numel() != received.size(0))
        throw error("calibration_residual: one decode and one encode SNR per signal");
    return received - codec.encode(codec.decode(received, decode_snr_db), encode_snr_db);
}

torch::Tensor detector_input(const detector_impl& detector,
                             jscc_codec_impl& codec,
                             const torch::Tensor& received,
                             const torch::Tensor& decode_snr_db,
                             const torch::Tensor& encode_snr_db)
{
    if (!detector.config().calibrated)
        return received;
    return torch::cat(
        { received, calibration_residual(codec, received, decode_snr_db, encode_snr_db) }, 1);
}

torch::Tensor calibration_residual(jscc_codec_impl& codec,
                                   const torch::Tensor& received,
                                   double decode_snr_db,
                                   double encode_snr_db,
                                   int64_t batch)
{
    check_received(codec, received);
    if (batch < 1)
        throw error("calibration_residual: batch must be at least 1");
    if (received.size(0) == 0)
        return torch::zeros_like(received);
    torch::NoGradGuard ng;
    codec.eval();
    const auto device = codec.parameters().front().device();
    std::vector<torch::Tensor> out;
    for (int64_t b = 0; b < received.size(0); b += batch) {
        const auto y = received.slice(0, b, std::min(received.size(0), b + batch)).to(device);
        const auto n = y.size(0);
        out.push_back(calibration_residual(codec,
                                           y,
                                           torch::full({ n }, decode_snr_db, y.options()),
                                           torch::full({ n }, encode_snr_db, y.options()))
                          .to(received.device()));
    }
    return torch::cat(out);
}

std::vector<std::string> calibrated_statistic_names(int64_t channels)
{
    std::vector<std::string> out;
    for (const char* part : { "received ", "residual " })
        for (const auto& name : latent_statistic_names(channels))
            out.push_back(part + name);
    return out;
}

torch::Tensor calibrated_statistics(const torch::Tensor& received,
                                    const torch::Tensor& residual)
{
    if (received.sizes() != residual.sizes())
        throw error("calibrated_statistics: received signals and residuals differ in shape");
    return torch::cat({ latent_statistics(received), latent_statistics(residual) }, 1);
}

torch::Tensor calibrated_statistics(jscc_codec_impl& codec,
                                    const torch::Tensor& received,
                                    const torch::Tensor& decode_snr_db,
                                    const torch::Tensor& encode_snr_db)
{
    return calibrated_statistics(
        received, calibration_residual(codec, received, decode_snr_db, encode_snr_db));
}

torch::Tensor calibrated_statistics(jscc_codec_impl& codec,
                                    const torch::Tensor& received,
                                    double decode_snr_db,
                                    double encode_snr_db,
                                    int64_t batch)
{
    return calibrated_statistics(
        received, calibration_residual(codec, received, decode_snr_db, encode_snr_db, batch));
}

double roc_auc(const torch::Tensor& negative_scores, const torch::Tensor& positive_scores)
{
    const auto neg = negative_scores.detach().to(torch::kCPU, torch::kDouble).flatten();
    const auto pos = positive_scores.detach().to(torch::kCPU, torch::kDouble).flatten();
    if (neg.numel() == 0 || pos.numel() == 0)
        throw error("roc_auc: both classes need at least one score");
    double wins = 0;
    constexpr int64_t chunk = 1024; // bounds the pairwise table's memory
    for (int64_t i = 0; i < pos.numel(); i += chunk) {
        const auto p = pos.slice(0, i, std::min(pos.numel(), i + chunk)).unsqueeze(1);
        wins += (p > neg.unsqueeze(0)).to(torch::kDouble).sum().item<double>()
            + 0.5 * (p == neg.unsqueeze(0)).to(torch::kDouble).sum().item<double>();
    }
    return wins / (static_cast<double>(neg.numel()) * static_cast<double>(pos.numel()));
}

pooled_detection pool_detection(const torch::Tensor& negative_scores,
                                const torch::Tensor& positive_scores,
                                int64_t transmissions,
                                int shufflings,
                                uint64_t seed)
{
    const auto neg = negative_scores.detach().to(torch::kCPU, torch::kDouble).flatten();
    const auto pos = positive_scores.detach().to(torch::kCPU, torch::kDouble).flatten();
    if (transmissions < 1 || shufflings < 1)
        throw error("pool_detection: transmissions and shufflings must be at least 1");
    if (neg.numel() < transmissions || pos.numel() < transmissions)
        throw error("pool_detection: " + std::to_string(transmissions)
                    + " transmissions need at least that many scores of each kind ("
                    + std::to_string(neg.numel()) + " plain, " + std::to_string(pos.numel())
                    + " containers)");
    pooled_detection p;
    p.transmissions = transmissions;
    p.groups = std::min(neg.numel(), pos.numel()) / transmissions;
    std::mt19937_64 rng(seed);
    // The mean of `groups` disjoint groups of N after a shuffle (the rest left out).
    const auto grouped_means = [&](const torch::Tensor& scores) {
        std::vector<int64_t> order(static_cast<size_t>(scores.numel()));
        std::iota(order.begin(), order.end(), int64_t { 0 });
        std::shuffle(order.begin(), order.end(), rng);
        order.resize(static_cast<size_t>(p.groups * transmissions));
        return scores.index_select(0, torch::tensor(order, torch::kLong))
            .view({ p.groups, transmissions })
            .mean(1);
    };
    for (int i = 0; i < shufflings; ++i) {
        const auto n = grouped_means(neg);
        const auto c = grouped_means(pos);
        p.accuracy += ((n < 0).sum().item<double>() + (c > 0).sum().item<double>())
            / static_cast<double>(2 * p.groups);
        p.roc_auc += roc_auc(n, c);
    }
    p.accuracy /= shufflings;
    p.roc_auc /= shufflings;
    return p;
}

double best_threshold(const torch::Tensor& negative_scores,
                      const torch::Tensor& positive_scores)
{
    const auto neg = negative_scores.detach().to(torch::kCPU, torch::kDouble).flatten();
    const auto pos = positive_scores.detach().to(torch::kCPU, torch::kDouble).flatten();
    if (neg.numel() == 0 || pos.numel() == 0)
        throw error("best_threshold: both classes need at least one score");
    if (!torch::isfinite(neg).all().item<bool>() || !torch::isfinite(pos).all().item<bool>())
        throw error("best_threshold: a score is not finite");
    // Sorted scores with their labels; a threshold just below the first score calls
    // everything positive, and each step past a score moves that score to "negative".
    const auto scores = torch::cat({ neg, pos });
    const auto labels = torch::cat({ torch::zeros_like(neg), torch::ones_like(pos) });
    const auto order = scores.argsort();
    const auto sorted = scores.index_select(0, order);
    const auto sorted_labels = labels.index_select(0, order);
    const auto* v = sorted.data_ptr<double>();
    const auto* l = sorted_labels.data_ptr<double>();
    const int64_t n = sorted.numel();
    int64_t right = pos.numel(); // threshold below every score
    int64_t best_right = right;
    double best = v[0] - 1.0;
    for (int64_t i = 0; i < n; ++i) {
        right += l[i] == 0.0 ? 1 : -1;
        // Only between distinct scores: equal scores fall on the same side.
        if (i + 1 < n && v[i + 1] == v[i])
            continue;
        if (right > best_right) {
            best_right = right;
            best = i + 1 < n ? 0.5 * (v[i] + v[i + 1]) : v[i] + 1.0;
        }
    }
    return best;
}

std::vector<double>
channel_auc(const std::function<torch::Tensor(const torch::Tensor&)>& score,
            const torch::Tensor& plain,
            const torch::Tensor& containers,
            int64_t batch,
            channel_probe probe)
{
    if (plain.dim() != 4 || !plain.sizes().equals(containers.sizes()))
        throw error("channel_auc: plain and container signals must be [N, C, H, W] alike");
    if (batch < 1)
        throw error("channel_auc: batch must be at least 1");
    torch::NoGradGuard no_grad;
    auto scores_of = [&](const torch::Tensor& x) {
        std::vector<torch::Tensor> out;
        for (int64_t i = 0; i < x.size(0); i += batch)
            out.push_back(score(x.slice(0, i, std::min(x.size(0), i + batch))).flatten());
        return torch::cat(out);
    };
    const auto plain_scores = scores_of(plain);
    std::vector<double> auc;
    const bool only = probe == channel_probe::only_channel;
    for (int64_t c = 0; c < plain.size(1); ++c) {
        auto hybrid = (only ? plain : containers).clone();
        hybrid.select(1, c).copy_((only ? containers : plain).select(1, c));
        auc.push_back(roc_auc(plain_scores, scores_of(hybrid)));
    }
    return auc;
}

} // namespace semsteg
