/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/covert.h>
#include <semsteg/error.h>
#include <semsteg/latent_symbols.h>
#include <semsteg/metrics.h>
#include <semsteg/nn.h>
#include <semsteg/secure_link.h>
#include <semsteg/train.h>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <optional>
#include <sstream>

namespace semsteg {

namespace {

using clock_type = std::chrono::steady_clock;
using metric_map = std::vector<std::pair<std::string, double>>;

//! One image of a batch: which set, which image, and its smallest random-crop scale.
struct crop_source {
    const image_set* set;
    size_t index;
    double min_scale;
};

// The crop windows are drawn in order from `rng` and the pixels cut on every torch thread
// (a GPU step would otherwise wait on one core): the thread count changes nothing.
torch::Tensor random_batch(const std::vector<crop_source>& sources,
                           int side,
                           std::mt19937_64& rng,
                           const torch::Device& device)
{
    std::vector<image_set::crop_window> windows;
    windows.reserve(sources.size());
    for (const auto& s : sources)
        windows.push_back(s.set->random_crop_window(s.index, s.min_scale, rng));
    std::vector<image> images(sources.size());
    at::parallel_for(0, static_cast<int64_t>(sources.size()), 1, [&](int64_t b, int64_t e) {
        for (int64_t k = b; k < e; ++k)
            images[k] = sources[k].set->cut(sources[k].index, windows[k], side);
    });
    return images_to_tensor(images).to(device);
}

torch::Tensor random_batch(const image_set& set,
                           const std::vector<size_t>& indices,
                           const train_options& o,
                           std::mt19937_64& rng,
                           const torch::Device& device)
{
    std::vector<crop_source> sources;
    for (size_t i : indices)
        sources.push_back({ &set, i, o.min_crop_scale });
    return random_batch(sources, o.image_side, rng, device);
}

std::vector<size_t> random_indices(size_t n, int count, std::mt19937_64& rng)
{
    std::uniform_int_distribution<size_t> pick(0, n - 1);
    std::vector<size_t> out(static_cast<size_t>(count));
    for (auto& i : out)
        i = pick(rng);
    return out;
}

std::vector<size_t> all_indices(size_t n)
{
    std::vector<size_t> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = i;
    return v;
}

torch::Tensor centered_batch(const image_set& set, const std::vector<size_t>& idx, int side)
{
    std::vector<image> images;
    for (size_t i : idx)
        images.push_back(set.centered(i, side));
    return images_to_tensor(images);
}

/*!
 * Latents as they arrive: each image's SNR drawn from the channel (its range, or its one
 * value), `encode(snr)` made at that SNR (an SNR-adaptive encoder is told it: Alice aims at
 * the link she has; a plain one ignores it), then the noise. A fixed SNR draws nothing, so
 * this is apply_channel(encode(...)) for a plain codec, noise stream included.
 */
template <typename Encode>
torch::Tensor received_at_channel_snr(const Encode& encode,
                                      int64_t batch,
                                      const channel_config& ch,
                                      torch::Generator& gen,
                                      const torch::Device& dev)
{
    const auto snr = channel_snr(ch, batch, gen).to(dev);
    return apply_channel_at_snr(encode(snr), ch, snr, gen);
}

torch::Device training_device(const std::string& name)
{
    if (name == "cpu")
        return torch::kCPU;
    if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
        if (!torch::cuda::is_available())
            throw error("train: device '" + name
                        + "' asked for, but this LibTorch sees no CUDA device (Debian's "
                          "LibTorch is CPU-only; -DSEMSTEG_TRAINING_ONLY=ON builds "
                          "semsteg-train against a CUDA PyTorch: README, On a GPU)");
        try {
            return torch::Device(name);
        } catch (const std::exception&) {
            throw error("train: bad device '" + name + "' (expected cpu, cuda or cuda:N)");
        }
    }
    throw error("train: unknown device '" + name + "' (expected cpu, cuda or cuda:N)");
}

void freeze(torch::nn::Module& m)
{
    for (auto& p : m.parameters())
        p.set_requires_grad(false);
    m.eval();
}

std::string format_duration(double seconds)
{
    const long s = std::lround(std::max(0.0, seconds));
    std::ostringstream o;
    if (s >= 3600)
        o << s / 3600 << "h" << std::setw(2) << std::setfill('0') << (s % 3600) / 60 << "m";
    else
        o << s / 60 << "m" << std::setw(2) << std::setfill('0') << s % 60 << "s";
    return o.str();
}

//! Keyed hiding for a batch under a seeded key, then one seeded nonce per image.
latent_keying seeded_keying(std::mt19937_64& rng,
                            int64_t batch,
                            int64_t latent_reals,
                            int rounds,
                            const torch::Device& device)
{
    const auto key = seeded_key(rng);
    std::vector<uint64_t> nonces(static_cast<size_t>(batch));
    for (auto& n : nonces)
        n = rng();
    return latent_keying(key, nonces, latent_reals, rounds, device);
}

//! What differs between stages: the network being trained, its loss, its validation.
struct stage {
    std::string kind;
    nlohmann::json config;
    std::shared_ptr<torch::nn::Module> module;
    std::function<torch::Tensor(std::mt19937_64&, torch::Generator&)> loss;
    std::function<metric_map()> validate;
    bool restart_optimizer = false; //!< the module gained parameters since the checkpoint
    std::string note; //!< what the user should know of how the stage started (or empty)
    std::function<void()> save_extra; //!< saves training state kept outside the model file
};

// Validation pairs are fixed by seed and never include an image paired with itself.
std::vector<std::pair<size_t, size_t>>
validation_pairs(const training_data& d, int count, uint64_t seed)
{
    const image_set& priv = *d.validation;
    const size_t n = std::min<size_t>(static_cast<size_t>(count), priv.size());
    if (!d.validation_hosts) // one pool: the sampler excludes self-pairs
        return pair_sampler(all_indices(priv.size()), all_indices(priv.size()), seed).draw(n);
    std::vector<std::pair<size_t, size_t>> pairs;
    std::mt19937_64 rng(seed);
    for (size_t i = 0; i < n; ++i)
        pairs.emplace_back(rng() % d.validation_hosts->size(), rng() % priv.size());
    return pairs;
}

//! The fixed validation batches (hosts, private images). With a separate host set and a
//! host face fraction f, the first round(f·n) pairs have validation faces as hosts.
std::pair<torch::Tensor, torch::Tensor>
validation_batches(const training_data& d, const train_options& o, int count, uint64_t seed)
{
    const image_set& val = *d.validation;
    const image_set& val_hosts = d.validation_hosts ? *d.validation_hosts : val;
    auto pairs = validation_pairs(d, count, seed);
    size_t faces = 0;
    if (d.validation_hosts && o.host_face_fraction > 0) {
        faces = static_cast<size_t>(std::lround(o.host_face_fraction * pairs.size()));
        const auto face_pairs
            = pair_sampler(all_indices(val.size()), all_indices(val.size()), seed + 1)
                  .draw(faces);
        std::copy(face_pairs.begin(), face_pairs.end(), pairs.begin());
    }
    std::vector<size_t> face_hosts, photo_hosts, privates;
    for (size_t i = 0; i < pairs.size(); ++i) {
        (i < faces ? face_hosts : photo_hosts).push_back(pairs[i].first);
        privates.push_back(pairs[i].second);
    }
    std::vector<torch::Tensor> hosts;
    if (!face_hosts.empty())
        hosts.push_back(centered_batch(val, face_hosts, o.image_side));
    if (!photo_hosts.empty())
        hosts.push_back(centered_batch(val_hosts, photo_hosts, o.image_side));
    return { torch::cat(hosts), centered_batch(val, privates, o.image_side) };
}

//! The SNRs a validation reports: a fixed channel as is (no metric suffix); a range at its
//! ends and middle ("_0dB", "_10dB", "_20dB").
std::vector<std::pair<std::string, channel_config>>
monitored_channels(const channel_config& ch)
{
    std::vector<std::pair<std::string, channel_config>> out;
    if (!ch.snr_range()) {
        out.emplace_back("", ch);
        return out;
    }
    for (double snr : { ch.snr_db, (ch.snr_db + ch.snr_high()) / 2, ch.snr_high() }) {
        auto c = ch;
        c.snr_db = snr;
        c.snr_max_db.reset();
        std::ostringstream suffix;
        suffix << "_" << snr << "dB";
        out.emplace_back(suffix.str(), c);
    }
    return out;
}

//! Host images for a batch of pairs: a face from `train` with probability f (a separate
//! host set only; the draw is made only when f > 0), else the next host index.
crop_source pick_host(const train_options& o,
                      const image_set& train,
                      const image_set& hosts,
                      bool separate_hosts,
                      size_t host_index,
                      std::mt19937_64& rng)
{
    const double host_scale
        = o.host_min_crop_scale < 0 ? o.min_crop_scale : o.host_min_crop_scale;
    if (!separate_hosts)
        return { &train, host_index, o.min_crop_scale };
    if (o.host_face_fraction > 0
        && std::uniform_real_distribution<double>(0, 1)(rng) < o.host_face_fraction)
        return { &train, static_cast<size_t>(rng() % train.size()), o.min_crop_scale };
    return { &hosts, host_index, host_scale };
}

//! What every stage is built from.
struct stage_context {
    const train_options& o;
    const training_data& d;
    const channel_config& ch;
    torch::Device dev;
    bool resuming; //!< a checkpoint is there to carry on from
    const image_set& train;
    const image_set& hosts; //!< the separate host set, else `train`
    const image_set& val;
    int nval; //!< validation images used
    std::vector<size_t> val_idx; //!< which, spread over the validation set
    int batch;
};

//! The validation's noise: the same draw every epoch.
torch::Generator validation_generator(const train_options& o)
{
    return at::detail::createCPUGenerator(o.seed + 99991);
}

//! The public codec the later stages train against, frozen, on the device.
jscc_codec frozen_codec(const stage_context& ctx)
{
    if (ctx.o.codec_model.empty())
        throw error("train: stage '" + ctx.o.stage
                    + "' needs the frozen codec (--codec FILE)");
    jscc_codec codec = load_jscc(ctx.o.codec_model);
    freeze(*codec);
    codec->to(ctx.dev);
    return codec;
}

/*!
 * The codec of the private image, frozen, on the device: the private codec when given (it
 * must be the one `inn_path` records, if that exists), else `codec` itself.
 */
jscc_codec
frozen_private_codec(const stage_context& ctx, jscc_codec& codec, const std::string& inn_path)
{
    std::optional<model_file> given;
    if (!ctx.o.private_codec_model.empty())
        given = read_model_file(ctx.o.private_codec_model, kind_jscc);
    if (std::filesystem::exists(inn_path))
        check_inn_private_codec(read_model_file(inn_path, kind_inn),
                                inn_path,
                                given ? &*given : nullptr,
                                ctx.o.private_codec_model);
    if (!given)
        return codec;
    // (Its channels may differ from the public codec's: a lower rate, a smaller payload.)
    jscc_codec coder = load_jscc(*given, ctx.o.private_codec_model);
    freeze(*coder);
    coder->to(ctx.dev);
    return coder;
}

//! The INN whose containers Eve's networks learn from, frozen, on the device.
inn frozen_inn(const stage_context& ctx)
{
    if (ctx.o.inn_model.empty())
        throw error("train: stage '" + ctx.o.stage + "' needs the INN (--inn FILE)");
    // Eve's networks learn the containers of the codec the INN was made for (the INN stage
    // itself may warm-start onto another codec, so only here is a mismatch an error).
    if (!ctx.o.codec_model.empty())
        check_inn_codec(ctx.o.inn_model, ctx.o.codec_model);
    inn stego = load_inn(ctx.o.inn_model);
    freeze(*stego);
    stego->to(ctx.dev);
    return stego;
}

//! jscc: the DeepJSCC codec (plain, or SNR-adaptive from a plain one).
stage make_jscc_stage(const stage_context& ctx)
{
    const train_options& o = ctx.o;
    const channel_config& ch = ctx.ch;
    const torch::Device dev = ctx.dev;
    const bool resuming = ctx.resuming;
    const image_set& train = ctx.train;
    const image_set& val = ctx.val;
    const std::vector<size_t>& val_idx = ctx.val_idx;
    const int bs = ctx.batch;
    stage st;
    jscc_codec codec = resuming ? load_jscc(o.out_model) : [&] {
        if (!o.init_codec.empty()) {
            auto plain = load_jscc(o.init_codec);
            if (std::abs(plain->config().bcr - o.bcr) > 1e-9) {
                // Another rate (e.g. a private codec of a smaller payload): every layer but
                // the latent's own two starts from the given codec.
                auto c = plain->config();
                c.bcr = o.bcr;
                c.image_side = o.image_side;
                jscc_codec other(c);
                const auto fresh = copy_matching_parameters(*plain, *other);
                st.note = "note: --init-codec at bcr " + std::to_string(plain->config().bcr)
                    + ", this codec at " + std::to_string(o.bcr) + ": "
                    + std::to_string(fresh) + " parameter tensors start fresh";
                plain = other;
            }
            if (plain->snr_adaptive() || !o.snr_adaptive)
                return plain;
            return with_snr_adaptation(plain);
        }
        jscc_config c;
        c.image_side = o.image_side;
        c.bcr = o.bcr;
        c.encoder_width = c.decoder_width = o.codec_width;
        c.snr_adaptive = o.snr_adaptive;
        return jscc_codec(c);
    }();
    if (o.snr_adaptive && !codec->snr_adaptive())
        throw error("train: '" + o.out_model
                    + "' is a plain codec; an SNR-adaptive one is asked for (start a new "
                      "file with --init-codec)");
    codec->to(dev);
    st.kind = kind_jscc;
    st.config = codec->config().to_json();
    st.module = codec.ptr();
    st.loss = [=, &train](std::mt19937_64& rng, torch::Generator& gen) mutable {
        auto x = random_batch(train, random_indices(train.size(), bs, rng), o, rng, dev);
        // The SNR the noise is drawn at is the one encoder and decoder are told.
        const auto snr = channel_snr(ch, x.size(0), gen).to(dev);
        auto y = apply_channel_at_snr(codec->encode(x, snr), ch, snr, gen);
        return torch::mse_loss(codec->decode(y, snr), x);
    };
    // Metrics are computed on the CPU, whatever the device. A range of SNRs is
    // monitored at its ends and middle.
    auto xval = centered_batch(val, val_idx, o.image_side);
    const auto val_channels = monitored_channels(ch);
    st.validate = [=]() mutable {
        metric_map m;
        for (const auto& [suffix, c] : val_channels) {
            auto gen = validation_generator(o);
            const auto snr = channel_snr(c, xval.size(0), gen).to(dev);
            auto xh = codec
                          ->decode(apply_channel_at_snr(
                                       codec->encode(xval.to(dev), snr), c, snr, gen),
                                   snr)
                          .cpu();
            m.emplace_back("val_psnr" + suffix, psnr(xh, xval).mean().item<double>());
            m.emplace_back("val_msssim" + suffix, ms_ssim(xh, xval).mean().item<double>());
        }
        return m;
    };
    return st;
}

//! inn: the INN against the frozen codec (keyed hiding, covert terms).
stage make_inn_stage(const stage_context& ctx)
{
    const train_options& o = ctx.o;
    const training_data& d = ctx.d;
    const channel_config& ch = ctx.ch;
    const torch::Device dev = ctx.dev;
    const bool resuming = ctx.resuming;
    const image_set& train = ctx.train;
    const image_set& hosts = ctx.hosts;
    const int nval = ctx.nval;
    const int bs = ctx.batch;
    jscc_codec codec = frozen_codec(ctx);
    jscc_codec private_codec = frozen_private_codec(ctx, codec, o.out_model);
    const int channels = codec->config().latent_channels();
    stage st;
    inn net = resuming ? load_inn(o.out_model) : [&] {
        inn_config c;
        c.channels = channels;
        c.blocks = o.inn_blocks;
        c.width = o.inn_width;
        c.lost_estimator_width = o.lost_estimator_width;
        c.private_downscale = o.private_downscale;
        if (private_codec->config().latent_channels() != channels)
            c.payload_channels = private_codec->config().latent_channels();
        inn fresh(c);
        if (!o.init_inn.empty()) {
            auto from = load_inn(o.init_inn);
            if (from->config().channels != channels)
                throw error("train: --init-inn '" + o.init_inn + "' has "
                            + std::to_string(from->config().channels)
                            + " channels, the codec's latent " + std::to_string(channels));
            const size_t total = fresh->parameters().size();
            const size_t left = copy_matching_parameters(*from, *fresh);
            st.note = "note: --init-inn: " + std::to_string(total - left) + " of "
                + std::to_string(total) + " parameter tensors from '" + o.init_inn + "', "
                + std::to_string(left) + " fresh";
        }
        return fresh;
    }();
    if (resuming && o.private_downscale != 1
        && net->config().private_downscale != o.private_downscale)
        throw error("train: '" + o.out_model + "' hides a private image downscaled "
                    + std::to_string(net->config().private_downscale) + " times, not "
                    + std::to_string(o.private_downscale));
    if (o.lost_estimator_width > 0 && !net->has_lost_estimator()) {
        net = with_lost_estimator(net, o.lost_estimator_width);
        st.restart_optimizer = true;
    }
    // Options that upgrade an INN in place keep its weights; only the config changes.
    if (o.keyed && !net->config().keyed) {
        auto cfg = net->config();
        cfg.keyed = true;
        cfg.scramble_rounds = o.scramble_rounds;
        net = with_config(net, cfg);
    }
    if (!o.keyed && net->config().keyed)
        throw error("train: '" + o.out_model
                    + "' is a keyed INN: train it with the key option");
    if (o.codec_round_trip && !net->config().codec_round_trip) {
        auto cfg = net->config();
        cfg.codec_round_trip = true;
        net = with_config(net, cfg);
    }
    if (o.round_trip_host_detail && !net->config().round_trip_host_detail) {
        if (!net->config().codec_round_trip)
            throw error("train: --round-trip-host-detail needs an INN that sends through the "
                        "codec's round trip (--codec-round-trip)");
        auto cfg = net->config();
        cfg.round_trip_host_detail = true;
        net = with_config(net, cfg);
    }
    if (net->config().channels != channels)
        throw error("train: the INN has " + std::to_string(net->config().channels)
                    + " channels, the codec's latent " + std::to_string(channels));
    net->to(dev);
    st.kind = kind_inn;
    st.config = net->config().to_json();
    st.module = net.ptr();
    const bool same_pool = d.hosts == nullptr;
    auto sampler = std::make_shared<pair_sampler>(
        all_indices(hosts.size()), all_indices(train.size()), o.seed + 3);
    const inn_loss_weights w = o.loss_weights;
    const std::string host_loss = o.host_image_loss;
    const int64_t latent_reals = static_cast<int64_t>(net->config().secret_channels())
        * (o.image_side / 4) * (o.image_side / 4);
    const int rounds = net->config().scramble_rounds;
    // A fresh random key and nonces per step (drawn from the seeded generator, so a run
    // is reproducible): the INN must not learn any one key.
    auto random_keying
        = [=](std::mt19937_64& rng, int64_t batch) -> std::optional<latent_keying> {
        if (!o.keyed)
            return std::nullopt;
        return seeded_keying(rng, batch, latent_reals, rounds, dev);
    };
    // Covert training: detectors trained alongside, resumed with the model.
    std::shared_ptr<detector_ensemble> adversaries;
    if (o.adversaries > 0) {
        adversaries = std::make_shared<detector_ensemble>(
            o.adversaries,
            detector_config { channels, o.adversary_width, o.calibrated_adversaries },
            1e-3,
            dev);
        const std::string path = o.out_model + ".adversaries";
        if (resuming && std::filesystem::exists(path))
            adversaries->load(path);
        st.save_extra = [adversaries, path] { adversaries->save(path); };
    } else if (o.lambda_adversarial > 0 || o.calibrated_adversaries) {
        throw error("train: the adversarial term and calibrated adversaries need "
                    "adversaries (--adversaries N)");
    }
    // What the adversaries read of received signals [B,C,h,w] at per-signal SNRs: the
    // signals, or for calibrated ones also their calibration residuals (gradients flow
    // through the codec where the caller has them on).
    auto adversary_view = [=](const torch::Tensor& received,
                              const torch::Tensor& snr) mutable -> torch::Tensor {
        if (!o.calibrated_adversaries)
            return received;
        return torch::cat({ received, calibration_residual(*codec, received, snr, snr) }, 1);
    };
    auto adversary_view_no_grad
        = [=](const torch::Tensor& received, const torch::Tensor& snr) mutable {
              torch::NoGradGuard ng;
              return adversary_view(received, snr);
          };
    auto steps_run = std::make_shared<int64_t>(0);
    auto plain_statistics_cov = std::make_shared<running_covariance>(0.99);
    auto calibrated_statistics_cov = std::make_shared<running_covariance>(0.99);
    // Eve's naive picture against the host (λ6).
    auto host_image_distance
        = [host_loss](const torch::Tensor& eve, const torch::Tensor& xh) {
              if (host_loss == "ms-ssim")
                  return (1.0 - ms_ssim(eve, xh)).mean();
              return torch::mse_loss(eve, xh);
          };
    st.loss = [=, &train, &hosts](std::mt19937_64& rng, torch::Generator& gen) mutable {
        std::vector<crop_source> hs;
        std::vector<size_t> pi;
        for (int i = 0; i < bs; ++i) {
            auto [h, p] = same_pool
                ? sampler->next()
                : std::pair<size_t, size_t> { rng() % hosts.size(), rng() % train.size() };
            hs.push_back(pick_host(o, train, hosts, !same_pool, h, rng));
            pi.push_back(p);
        }
        auto xh = random_batch(hs, o.image_side, rng, dev);
        auto xp = random_batch(train, pi, o, rng, dev);
        // The SNR of each pair's channel: Alice's encoder targets it, Bob's decoder is
        // told it (an SNR-adaptive codec; a plain one ignores it).
        const auto snr = channel_snr(ch, bs, gen).to(dev);
        torch::Tensor zh, zp;
        {
            torch::NoGradGuard ng;
            zh = codec->encode(xh, snr);
            zp = private_latent(*private_codec, *net, xp, snr); // the payload
        }
        const auto key = random_keying(rng, bs);
        const latent_keying* keying = key ? &*key : nullptr;
        auto out = alice_embed(*net, zh, zp, keying, { codec.get(), snr, xh });
        auto y = apply_channel_at_snr(out.sent, ch, snr, gen);
        // L_forward's λ2 term pulls l towards Bob's l̂ ('auto': zero, or his learned
        // estimate).
        auto bob = bob_extract(*net, lost_part_mode {}, y, keying);
        const auto& rec = bob.recovered;
        auto xp_hat = private_image(*private_codec, *net, rec.secret, snr);
        auto loss = w.container_host * torch::mse_loss(out.container, zh)
            + w.lost_part * (out.lost - bob.lost_hat).pow(2).mean()
            + w.private_latent * torch::mse_loss(rec.secret, zp)
            + w.host_latent * torch::mse_loss(rec.host, zh)
            + w.private_image * torch::mse_loss(xp_hat, xp);
        if (w.host_image > 0 || o.lambda_host_mse > 0) {
            // What Eve sees decoding the container she receives (here: Bob's draw of
            // the same channel) against the host.
            const auto eve = codec->decode(y, snr);
            if (w.host_image > 0)
                loss = loss + w.host_image * host_image_distance(eve, xh);
            if (o.lambda_host_mse > 0)
                loss = loss + o.lambda_host_mse * torch::mse_loss(eve, xh);
        }
        if (o.lambda_statistics > 0 || o.lambda_discriminant > 0) {
            // Both terms read the same statistics: computed once.
            const auto plain_stats = latent_statistics(zh);
            const auto container_stats = latent_statistics(out.sent);
            if (o.lambda_statistics > 0)
                loss = loss
                    + o.lambda_statistics * statistics_gap_of(container_stats, plain_stats);
            if (o.lambda_discriminant > 0) {
                plain_statistics_cov->update(plain_stats);
                loss = loss
                    + o.lambda_discriminant
                        * statistics_discriminant(
                            container_stats, plain_stats, plain_statistics_cov->value());
            }
        }
        if (o.lambda_calibrated > 0) {
            // E10 calibrated: the public codec's re-encoding of Eve's decoding explains a
            // plain latent up to the noise; the term keeps it explaining containers as well.
            torch::Tensor plain_cal;
            {
                torch::NoGradGuard ng;
                plain_cal = calibrated_statistics(
                    *codec, apply_channel_at_snr(zh, ch, snr, gen), snr, snr);
            }
            calibrated_statistics_cov->update(plain_cal);
            loss = loss
                + o.lambda_calibrated
                    * statistics_discriminant(calibrated_statistics(*codec, y, snr, snr),
                                              plain_cal,
                                              calibrated_statistics_cov->value());
        }
        if (adversaries) {
            // The detectors learn plain host latents against containers, both received.
            adversaries->train_step(
                adversary_view_no_grad(apply_channel_at_snr(zh, ch, snr, gen), snr),
                adversary_view_no_grad(y.detach(), snr));
            const auto sent = out.sent.detach();
            for (int extra = 1; extra < o.adversary_steps; ++extra)
                adversaries->train_step(
                    adversary_view_no_grad(apply_channel_at_snr(zh, ch, snr, gen), snr),
                    adversary_view_no_grad(apply_channel_at_snr(sent, ch, snr, gen), snr));
            if (o.lambda_adversarial > 0)
                loss = loss
                    + o.lambda_adversarial
                        * adversaries->evasion_loss(adversary_view(y, snr),
                                                    o.evasion == "mean");
            if (o.adversary_refresh_steps > 0
                && ++*steps_run % o.adversary_refresh_steps == 0)
                adversaries->refresh_weakest();
        }
        return loss;
    };
    const auto val_batches = validation_batches(d, o, nval, o.seed + 7);
    const auto xvh = val_batches.first, xvp = val_batches.second;
    const auto val_channels = monitored_channels(ch);
    st.validate = [=]() mutable {
        metric_map m;
        for (const auto& [suffix, c] : val_channels) {
            auto gen = validation_generator(o);
            std::mt19937_64 key_rng(o.seed + 11); // one fixed key and nonces
            const auto key = random_keying(key_rng, xvp.size(0));
            const latent_keying* keying = key ? &*key : nullptr;
            const auto snr = channel_snr(c, xvp.size(0), gen).to(dev);
            const auto xh = xvh.to(dev);
            const auto zh = codec->encode(xh, snr);
            auto zc = alice_embed(*net,
                                  zh,
                                  private_latent(*private_codec, *net, xvp.to(dev), snr),
                                  keying,
                                  { codec.get(), snr, xh })
                          .sent;
            auto y = apply_channel_at_snr(zc, c, snr, gen);
            auto bob = private_image(
                           *private_codec,
                           *net,
                           bob_extract(*net, lost_part_mode {}, y, keying).recovered.secret,
                           snr)
                           .cpu();
            auto eve = codec->decode(y, snr).cpu();
            const auto plain_rx = apply_channel_at_snr(zh, c, snr, gen);
            const auto plain_eve = codec->decode(plain_rx, snr).cpu();
            m.emplace_back("bob_psnr" + suffix, psnr(bob, xvp).mean().item<double>());
            m.emplace_back("bob_msssim" + suffix, ms_ssim(bob, xvp).mean().item<double>());
            m.emplace_back("eve_msssim_private" + suffix,
                           ms_ssim(eve, xvp).mean().item<double>());
            m.emplace_back("eve_msssim_host" + suffix,
                           ms_ssim(eve, xvh).mean().item<double>());
            // E9: Eve's naive picture of the host against plain DeepJSCC of the host.
            m.emplace_back("eve_psnr_host" + suffix, psnr(eve, xvh).mean().item<double>());
            m.emplace_back("plain_psnr_host" + suffix,
                           psnr(plain_eve, xvh).mean().item<double>());
            if (keying) { // Eve with the INN and no key: the INN run backwards
                const auto lost_hat = make_lost_part(lost_part_mode {}, y, *net);
                auto eve_inn
                    = private_image(
                          *private_codec, *net, net->extract(y, lost_hat).secret, snr)
                          .cpu();
                m.emplace_back("eve_inn_nokey_msssim_private" + suffix,
                               ms_ssim(eve_inn, xvp).mean().item<double>());
            }
            // What covert training works against: the statistics gap of received
            // containers from received plain latents, and the training detectors
            // (never an evaluation).
            m.emplace_back("statistics_gap" + suffix,
                           statistics_gap(y, plain_rx).item<double>());
            // Fisher's distance with the validation batch's own covariance: a linear
            // detector's best accuracy on these statistics is about Φ(√D²/2).
            m.emplace_back(
                "statistics_discriminant" + suffix,
                statistics_discriminant(latent_statistics(y), latent_statistics(plain_rx))
                    .item<double>());
            // The same on the calibrated statistics (E10 calibrated's features).
            m.emplace_back(
                "calibrated_discriminant" + suffix,
                statistics_discriminant(calibrated_statistics(*codec, y, snr, snr),
                                        calibrated_statistics(*codec, plain_rx, snr, snr))
                    .item<double>());
            if (adversaries)
                m.emplace_back("adversary_accuracy" + suffix,
                               adversaries->accuracy(adversary_view_no_grad(plain_rx, snr),
                                                     adversary_view_no_grad(y, snr)));
        }
        // The strongest training detector's accuracy over the last steps' batches.
        if (adversaries)
            m.emplace_back("adversary_running_accuracy", adversaries->strongest_accuracy());
        return m;
    };
    return st;
}

//! eve-mia: Eve's inverse network from received plain latents.
stage make_mia_stage(const stage_context& ctx)
{
    const train_options& o = ctx.o;
    const channel_config& ch = ctx.ch;
    const torch::Device dev = ctx.dev;
    const bool resuming = ctx.resuming;
    const image_set& train = ctx.train;
    const image_set& val = ctx.val;
    const std::vector<size_t>& val_idx = ctx.val_idx;
    const int bs = ctx.batch;
    jscc_codec codec = frozen_codec(ctx);
    const int channels = codec->config().latent_channels();
    stage st;
    decoder net = resuming ? load_mia(o.out_model) : decoder(channels, o.mia_width);
    net->to(dev);
    st.kind = kind_mia;
    st.config = resuming ? read_model_file(o.out_model, kind_mia).config
                         : mia_config { channels, o.mia_width }.to_json();
    st.module = net.ptr();
    st.loss = [=, &train](std::mt19937_64& rng, torch::Generator& gen) mutable {
        auto x = random_batch(train, random_indices(train.size(), bs, rng), o, rng, dev);
        torch::Tensor y;
        {
            torch::NoGradGuard ng;
            y = received_at_channel_snr(
                [&](const torch::Tensor& snr) { return codec->encode(x, snr); },
                x.size(0),
                ch,
                gen,
                dev);
        }
        return torch::mse_loss(net->forward(y), x);
    };
    auto xval = centered_batch(val, val_idx, o.image_side);
    st.validate = [=]() mutable {
        auto gen = validation_generator(o);
        const auto x = xval.to(dev);
        auto xh = net
                      ->forward(received_at_channel_snr(
                          [&](const torch::Tensor& snr) { return codec->encode(x, snr); },
                          x.size(0),
                          ch,
                          gen,
                          dev))
                      .cpu();
        return metric_map { { "val_psnr", psnr(xh, xval).mean().item<double>() },
                            { "val_msssim", ms_ssim(xh, xval).mean().item<double>() } };
    };
    return st;
}

//! eve-detector: Eve's steganalysis detector (plain latents vs containers).
stage make_detector_stage(const stage_context& ctx)
{
    const train_options& o = ctx.o;
    const training_data& d = ctx.d;
    const channel_config& ch = ctx.ch;
    const torch::Device dev = ctx.dev;
    const bool resuming = ctx.resuming;
    const image_set& train = ctx.train;
    const image_set& hosts = ctx.hosts;
    const int nval = ctx.nval;
    const int bs = ctx.batch;
    jscc_codec codec = frozen_codec(ctx);
    const int channels = codec->config().latent_channels();
    stage st;
    const bool control = o.round_trip_control;
    if (control && !o.inn_model.empty())
        throw error("train: --round-trip-control trains against the codec's round trip "
                    "of plain latents, with no INN; leave out --inn");
    const bool plain_through = o.round_trip_plain;
    // The file records what its classes were (an info label per option): a detector is
    // carried on only as what it began as.
    const auto carried_on_as_made = [&](const std::string& label,
                                        bool wanted,
                                        const std::string& option) {
        if (resuming
            && (read_model_file(o.out_model, kind_detector).info.count(label) > 0) != wanted)
            throw error("train: '" + o.out_model + "' was " + (wanted ? "not " : "")
                        + "trained with " + option + "; carry it on "
                        + (wanted ? "without " : "with ") + option);
    };
    carried_on_as_made("round_trip_control", control, "--round-trip-control");
    carried_on_as_made("round_trip_plain", plain_through, "--round-trip-plain");
    // The control has no INN: its second class is E(D(z_h)), not a container.
    inn stego = control ? inn(nullptr) : frozen_inn(ctx);
    jscc_codec private_codec
        = control ? codec : frozen_private_codec(ctx, codec, o.inn_model);
    const bool keyed = !control && stego->config().keyed;
    const int64_t reals = control ? 0
                                  : static_cast<int64_t>(stego->config().secret_channels())
            * (o.image_side / 4) * (o.image_side / 4);
    const int rounds = control ? 0 : stego->config().scramble_rounds;
    const detector_config cfg = resuming
        ? detector_config::from_json(read_model_file(o.out_model, kind_detector).config)
        : detector_config { channels, o.detector_width, o.calibrated_detector };
    if (cfg.calibrated != o.calibrated_detector)
        throw error("train: '" + o.out_model + "' is " + (cfg.calibrated ? "a" : "not a")
                    + " calibrated detector; carry it on "
                    + (cfg.calibrated ? "with" : "without") + " --calibrated");
    detector net = resuming ? load_detector(o.out_model) : detector(cfg);
    net->to(dev);
    st.kind = kind_detector;
    st.config = cfg.to_json();
    st.module = net.ptr();
    // Both classes are received signals at the same SNR (drawn per pair from the
    // channel: Eve's): a plain host latent, or a container hiding a private image in
    // that kind of host, both encoded at Alice's target SNR when it is given (as
    // semsteg-eval's link encodes at Bob's), else at Eve's. A keyed INN's containers are
    // made under keys of Eve's own (any key gives containers of the same distribution as
    // Alice's).
    auto make_pair_batch = [=](const torch::Tensor& xh,
                               const torch::Tensor& xp,
                               std::mt19937_64& rng,
                               torch::Generator& gen) mutable {
        torch::NoGradGuard ng;
        const auto snr = channel_snr(ch, xh.size(0), gen).to(dev);
        const auto alice_snr
            = std::isnan(o.encode_snr_db) ? snr : torch::full_like(snr, o.encode_snr_db);
        auto zh = codec->encode(xh, alice_snr);
        // What Eve's plain class sends: E(x), or its round trip for --round-trip-plain.
        const auto plain_sent
            = plain_through ? codec->encode(codec->decode(zh, alice_snr), alice_snr) : zh;
        torch::Tensor zc;
        if (control) {
            // What alice_embed does to a container, applied to the plain latent.
            zc = codec->encode(codec->decode(zh, alice_snr), alice_snr);
        } else {
            std::optional<latent_keying> keying;
            if (keyed)
                keying = seeded_keying(rng, xp.size(0), reals, rounds, dev);
            zc = alice_embed(*stego,
                             zh,
                             private_latent(*private_codec, *stego, xp, alice_snr),
                             keying ? &*keying : nullptr,
                             { codec.get(), alice_snr, xh })
                     .sent;
        }
        auto y = detector_input(*net,
                                *codec,
                                torch::cat({ apply_channel_at_snr(plain_sent, ch, snr, gen),
                                             apply_channel_at_snr(zc, ch, snr, gen) }),
                                torch::cat({ snr, snr }),
                                torch::cat({ alice_snr, alice_snr }));
        auto labels = torch::cat({ torch::zeros({ zh.size(0) }, zh.options()),
                                   torch::ones({ zh.size(0) }, zh.options()) });
        return std::make_pair(y, labels);
    };
    const bool separate_hosts = d.hosts != nullptr;
    st.loss = [=, &train, &hosts](std::mt19937_64& rng, torch::Generator& gen) mutable {
        const int half = std::max(1, bs / 2);
        std::vector<crop_source> hs;
        for (size_t h : random_indices(hosts.size(), half, rng))
            hs.push_back(pick_host(o, train, hosts, separate_hosts, h, rng));
        auto xh = random_batch(hs, o.image_side, rng, dev);
        auto xp = random_batch(train, random_indices(train.size(), half, rng), o, rng, dev);
        auto [y, labels] = make_pair_batch(xh, xp, rng, gen);
        return torch::binary_cross_entropy_with_logits(net->forward(y), labels);
    };
    const auto val_batches = validation_batches(d, o, nval, o.seed + 7);
    const auto xvh = val_batches.first, xvp = val_batches.second;
    st.validate = [=]() mutable {
        auto gen = validation_generator(o);
        std::mt19937_64 rng(o.seed + 13);
        auto [y, labels] = make_pair_batch(xvh.to(dev), xvp.to(dev), rng, gen);
        const auto logits = net->forward(y);
        const auto predicted = (logits > 0).to(torch::kFloat);
        const int64_t n = xvh.size(0);
        return metric_map {
            { "val_accuracy", (predicted == labels).to(torch::kFloat).mean().item<double>() },
            { "val_auc", roc_auc(logits.slice(0, 0, n), logits.slice(0, n, 2 * n)) }
        };
    };
    return st;
}

//! eve-extractor: Eve's extractor, E6 (keys of her own) or E7 (known pairs).
stage make_extractor_stage(const stage_context& ctx)
{
    const train_options& o = ctx.o;
    const training_data& d = ctx.d;
    const channel_config& ch = ctx.ch;
    const torch::Device dev = ctx.dev;
    const bool resuming = ctx.resuming;
    const image_set& train = ctx.train;
    const image_set& hosts = ctx.hosts;
    const int nval = ctx.nval;
    const int bs = ctx.batch;
    jscc_codec codec = frozen_codec(ctx);
    const int channels = codec->config().latent_channels();
    stage st;
    inn stego = frozen_inn(ctx);
    if (!stego->config().full_payload())
        throw error("train: eve-extractor reads full-payload INNs only; '" + o.inn_model
                    + "' hides a reduced payload");
    const bool keyed = stego->config().keyed;
    const int64_t reals
        = static_cast<int64_t>(channels) * (o.image_side / 4) * (o.image_side / 4);
    const int rounds = stego->config().scramble_rounds;
    extractor_config cfg;
    if (resuming) {
        load_extractor(o.out_model, &cfg);
    } else {
        cfg.channels = channels;
        cfg.width = o.extractor_width;
        cfg.attack = o.known_pairs > 0 ? "e7" : "e6";
        cfg.known_pairs = o.known_pairs;
    }
    if ((cfg.attack == "e7") != (o.known_pairs > 0) || cfg.known_pairs != o.known_pairs)
        throw error("train: '" + o.out_model + "' is an " + cfg.attack + " extractor with "
                    + std::to_string(cfg.known_pairs) + " known pairs; asked for "
                    + std::to_string(o.known_pairs));
    decoder net = resuming ? load_extractor(o.out_model) : decoder(2 * channels, cfg.width);
    if (!resuming && cfg.width == codec->config().decoder_width && !codec->snr_adaptive()) {
        // Eve starts from the public decoder D reading the INN's backward output (as
        // Bob would without unscrambling), the received container's channels at zero:
        // against a keyless INN she is Bob at step 0; training can only add.
        torch::NoGradGuard ng;
        auto own = net->named_parameters();
        const std::string prefix = "decoder.";
        for (const auto& p : codec->named_parameters()) {
            if (p.key().rfind(prefix, 0) != 0)
                continue;
            auto* dst = own.find(p.key().substr(prefix.size()));
            if (!dst)
                continue;
            if (dst->sizes() == p.value().sizes()) {
                dst->copy_(p.value());
            } else if (p.key() == "decoder.in.weight") {
                dst->zero_();
                dst->slice(1, channels, 2 * channels).copy_(p.value());
            }
        }
    }
    net->to(dev);
    st.kind = kind_extractor;
    st.config = cfg.to_json();
    st.module = net.ptr();
    // Alice's key (E7's traffic, and the validation containers of both attacks).
    std::mt19937_64 key_rng(o.seed + 101);
    const stego_key alice_key
        = o.key_file.empty() ? seeded_key(key_rng) : stego_key::from_file(o.key_file);
    // Containers as Eve receives them: Alice's pass under `key` (a keyed INN) and the
    // channel; with them what the INN gives back without the key.
    auto received_input = [=](const torch::Tensor& xh,
                              const torch::Tensor& xp,
                              const std::optional<stego_key>& key,
                              std::mt19937_64& rng,
                              torch::Generator& gen) mutable {
        torch::NoGradGuard ng;
        std::optional<latent_keying> keying;
        if (keyed) {
            std::vector<uint64_t> nonces(static_cast<size_t>(xp.size(0)));
            for (auto& n : nonces)
                n = rng();
            keying.emplace(key ? *key : seeded_key(rng), nonces, reals, rounds, dev);
        }
        const auto y = received_at_channel_snr(
            [&](const torch::Tensor& snr) {
                return alice_embed(*stego,
                                   codec->encode(xh, snr),
                                   codec->encode(xp, snr),
                                   keying ? &*keying : nullptr,
                                   { codec.get(), snr, xh })
                    .sent;
            },
            xp.size(0),
            ch,
            gen,
            dev);
        return eve_extractor_input(y, eve_inn_backwards(*stego, lost_part_mode {}, y));
    };
    if (o.known_pairs > 0) {
        // E7: N fixed pairs of Alice's traffic (fixed crops, nonces and noise).
        std::mt19937_64 rng(o.seed + 202);
        auto gen = at::detail::createCPUGenerator(o.seed + 303);
        std::vector<torch::Tensor> inputs, images;
        for (int b = 0; b < o.known_pairs; b += bs) {
            const int n = std::min(bs, o.known_pairs - b);
            auto xh = random_batch(hosts, random_indices(hosts.size(), n, rng), o, rng, dev);
            auto xp = random_batch(train, random_indices(train.size(), n, rng), o, rng, dev);
            inputs.push_back(received_input(xh, xp, alice_key, rng, gen));
            images.push_back(xp);
        }
        const auto known_inputs = torch::cat(inputs), known_images = torch::cat(images);
        st.loss = [=](std::mt19937_64& rng, torch::Generator&) mutable {
            std::vector<int64_t> picks(static_cast<size_t>(bs));
            for (auto& i : picks)
                i = static_cast<int64_t>(rng() % static_cast<uint64_t>(o.known_pairs));
            const auto idx = torch::tensor(picks, torch::kLong).to(dev);
            return torch::mse_loss(net->forward(known_inputs.index_select(0, idx)),
                                   known_images.index_select(0, idx));
        };
    } else {
        // E6: unlimited containers under fresh keys of Eve's own.
        st.loss = [=, &train, &hosts](std::mt19937_64& rng, torch::Generator& gen) mutable {
            auto xh = random_batch(hosts, random_indices(hosts.size(), bs, rng), o, rng, dev);
            auto xp = random_batch(train, random_indices(train.size(), bs, rng), o, rng, dev);
            return torch::mse_loss(
                net->forward(received_input(xh, xp, std::nullopt, rng, gen)), xp);
        };
    }
    // Validation: new containers of Alice's (her key, fresh nonces) from held-out images.
    const auto val_batches = validation_batches(d, o, nval, o.seed + 7);
    auto xvh = val_batches.first, xvp = val_batches.second;
    // The prior-only reference: the best constant picture in MSE, the mean of training
    // images, is what an extractor that learned nothing from the signal converges to.
    const auto prior = [&] {
        std::mt19937_64 rng(o.seed + 505);
        const auto idx = random_indices(train.size(), std::min<int>(512, 4 * bs), rng);
        return centered_batch(train, idx, o.image_side).mean(0, /*keepdim=*/true);
    }();
    const auto prior_batch = prior.expand_as(xvp).contiguous();
    const double prior_psnr = psnr(prior_batch, xvp).mean().item<double>();
    const double prior_msssim = ms_ssim(prior_batch, xvp).mean().item<double>();
    st.validate = [=]() mutable {
        auto gen = validation_generator(o);
        std::mt19937_64 rng(o.seed + 404);
        auto x = net->forward(received_input(xvh.to(dev), xvp.to(dev), alice_key, rng, gen))
                     .cpu();
        return metric_map { { "val_psnr", psnr(x, xvp).mean().item<double>() },
                            { "val_msssim", ms_ssim(x, xvp).mean().item<double>() },
                            { "floor_msssim", ms_ssim(xvh, xvp).mean().item<double>() },
                            { "prior_psnr", prior_psnr },
                            { "prior_msssim", prior_msssim } };
    };
    return st;
}

using stage_factory = stage (*)(const stage_context&);

//! The stages by name (semsteg-train's first argument).
const std::map<std::string, stage_factory>& stage_factories()
{
    static const std::map<std::string, stage_factory> table = {
        { "jscc", make_jscc_stage },
        { "inn", make_inn_stage },
        { "eve-mia", make_mia_stage },
        { "eve-detector", make_detector_stage },
        { "eve-extractor", make_extractor_stage },
    };
    return table;
}

stage make_stage(const train_options& o,
                 const training_data& d,
                 const channel_config& ch,
                 const torch::Device& dev)
{
    const auto factory = stage_factories().find(o.stage);
    if (factory == stage_factories().end()) {
        std::string names;
        for (const auto& [name, make] : stage_factories())
            names += (names.empty() ? "" : ", ") + name;
        throw error("train: unknown stage '" + o.stage + "' (expected one of " + names + ")");
    }
    const image_set& val = *d.validation;
    const int nval = std::min<int>(o.validation_images, static_cast<int>(val.size()));
    std::vector<size_t> val_idx;
    for (int i = 0; i < nval; ++i)
        val_idx.push_back(static_cast<size_t>(i) * val.size() / nval);
    const stage_context ctx { o,
                              d,
                              ch,
                              dev,
                              o.resume && std::filesystem::exists(o.out_model),
                              *d.train,
                              d.hosts ? *d.hosts : *d.train,
                              val,
                              nval,
                              val_idx,
                              o.batch };
    return factory->second(ctx);
}

} // namespace

std::array<double*, 6> inn_loss_weights::by_number()
{
    return { &container_host, &lost_part,     &private_latent,
             &host_latent,    &private_image, &host_image };
}

std::array<double, 6> inn_loss_weights::values() const
{
    return {
        container_host, lost_part, private_latent, host_latent, private_image, host_image
    };
}

std::string inn_loss_weights::to_string() const
{
    std::ostringstream s;
    const auto v = values();
    for (size_t i = 0; i < v.size(); ++i)
        s << (i ? "," : "") << v[i];
    return s.str();
}

train_result run_training(const train_options& o,
                          const training_data& data,
                          const std::function<void(const std::string&, bool)>& progress)
{
    if (!data.train || !data.validation || data.train->size() == 0
        || data.validation->size() == 0)
        throw error("train: no training or validation images");
    if (o.out_model.empty())
        throw error("train: no output model path");
    if (o.round_trip_control && o.stage != "eve-detector")
        throw error(
            "train: --round-trip-control is a control of the eve-detector stage only");
    if (o.round_trip_host_detail && o.stage != "inn")
        throw error("train: --round-trip-host-detail is an option of the inn stage only");
    if (o.round_trip_plain && o.stage != "eve-detector")
        throw error("train: --round-trip-plain is an option of the eve-detector stage only");
    if (o.round_trip_plain && o.round_trip_control)
        throw error("train: --round-trip-plain with --round-trip-control would put the same "
                    "round trip in both classes; use one");
    if (o.batch <= 0 || o.steps <= 0 || o.steps_per_epoch <= 0 || !(o.lr > 0))
        throw error("train: batch, steps, steps per epoch and lr must be positive");
    if (o.host_image_loss != "mse" && o.host_image_loss != "ms-ssim")
        throw error("train: unknown host image loss '" + o.host_image_loss
                    + "' (expected mse or ms-ssim)");
    if (!(o.lambda_adversarial >= 0) || !(o.lambda_statistics >= 0)
        || !(o.lambda_discriminant >= 0) || !(o.lambda_calibrated >= 0)
        || !(o.lambda_host_mse >= 0) || o.adversaries < 0 || o.adversary_width <= 0
        || o.detector_width <= 0 || o.adversary_steps <= 0)
        throw error("train: covert-training weights, adversary count and widths must be "
                    "non-negative (widths and adversary steps positive)");
    if (!std::isnan(o.encode_snr_db) && !(std::abs(o.encode_snr_db) <= 60))
        throw error("train: --encode-snr must be an SNR in dB within [-60, 60]");
    if (o.evasion != "strongest" && o.evasion != "mean")
        throw error("train: unknown evasion target '" + o.evasion
                    + "' (expected strongest or mean)");
    if (!(o.host_face_fraction >= 0 && o.host_face_fraction <= 1))
        throw error("train: the host face fraction must be in [0, 1]");
    const auto weights = o.loss_weights.values();
    if (std::any_of(weights.begin(), weights.end(), [](double l) { return !(l >= 0); }))
        throw error("train: the loss weights λ1..λ6 must be non-negative");
    if (o.image_side % 4 != 0 || o.image_side < 16)
        throw error("train: image side must be a multiple of 4 and at least 16");
    const auto ch = channel_config::parse(o.channel);

    const torch::Device dev = training_device(o.device);
    if (dev.is_cuda()) // fixed shapes: let cuDNN pick its fastest convolutions once
        at::globalContext().setBenchmarkCuDNN(true);
    torch::manual_seed(o.seed);
    stage st = make_stage(o, data, ch, dev);

    int64_t step = 0;
    int64_t schedule_start = 0; // the cosine runs from here to o.steps
    double train_seconds_before = 0;
    if (o.resume && std::filesystem::exists(o.out_model)) {
        const auto file = read_model_file(o.out_model, st.kind);
        if (file.info.count("step"))
            step = std::stoll(file.info.at("step"));
        if (file.info.count("schedule_start"))
            schedule_start = std::stoll(file.info.at("schedule_start"));
        if (file.info.count("train_seconds"))
            train_seconds_before = std::stod(file.info.at("train_seconds"));
    }

    if (o.restart_schedule)
        schedule_start = step;
    torch::optim::Adam optimizer(st.module->parameters(), torch::optim::AdamOptions(o.lr));
    const std::string optim_path = o.out_model + ".optim";
    if (!st.note.empty() && progress)
        progress(st.note, true);
    if (st.restart_optimizer && progress)
        progress("note: new parameters since the checkpoint; the optimiser restarts", true);
    if (step > 0 && !st.restart_optimizer && std::filesystem::exists(optim_path)) {
        try {
            torch::load(optimizer, optim_path, dev); // saved from the CPU or a GPU
        } catch (const std::exception& e) {
            if (progress)
                progress("note: optimiser state not restored ("
                             + std::string(e.what()).substr(0, 80) + ")",
                         true);
        }
    }

    const bool new_csv = !(step > 0 && std::filesystem::exists(o.csv_path));
    // A resumed run appends; when its columns differ from the file's last header (a leg
    // that adds a term and its metrics) it writes its own header first.
    std::string csv_header;
    if (!new_csv && !o.csv_path.empty()) {
        std::ifstream previous(o.csv_path);
        for (std::string line; std::getline(previous, line);)
            if (line.rfind("epoch,step,", 0) == 0)
                csv_header = line;
    }
    std::ofstream csv;
    if (!o.csv_path.empty()) {
        csv.open(o.csv_path, new_csv ? std::ios::trunc : std::ios::app);
        if (!csv)
            throw error("train: cannot write CSV '" + o.csv_path + "'");
    }

    train_result result;
    result.step = step;
    const auto t0 = clock_type::now();
    auto elapsed
        = [&] { return std::chrono::duration<double>(clock_type::now() - t0).count(); };
    bool first_epoch = true;
    // A loss 10^4 times this run's first one has diverged (a width-96 INN at lr 8e-4 went
    // from 3 to 1e19 and stayed finite); stopping keeps the last checkpoint intact. The
    // floor keeps a run resumed at a near-zero loss (a detector: 1e-6) from false alarms.
    double first_loss = 0;
    constexpr double diverged_ratio = 1e4;
    constexpr double reference_floor = 1e-2;

    while (step < o.steps) {
        const int64_t epoch = step / o.steps_per_epoch;
        std::mt19937_64 rng(o.seed * 1000003 + static_cast<uint64_t>(epoch));
        auto gen
            = at::detail::createCPUGenerator(o.seed * 7919 + static_cast<uint64_t>(epoch));
        st.module->train();
        double loss_sum = 0;
        int64_t loss_count = 0;
        const auto epoch_t0 = clock_type::now();
        const int64_t epoch_end = std::min(o.steps, (epoch + 1) * o.steps_per_epoch);
        bool out_of_budget = false;
        while (step < epoch_end) {
            const double progress_frac
                = static_cast<double>(step - schedule_start) / (o.steps - schedule_start);
            const double lr
                = o.lr / 20 + 0.5 * (o.lr - o.lr / 20) * (1 + std::cos(M_PI * progress_frac));
            for (auto& group : optimizer.param_groups())
                static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
            optimizer.zero_grad();
            auto loss = st.loss(rng, gen);
            const double lv = loss.item<double>();
            if (first_loss == 0)
                first_loss = lv;
            if (!std::isfinite(lv)
                || lv > diverged_ratio * std::max(first_loss, reference_floor))
                throw error("train: the loss diverged to " + std::to_string(lv) + " at step "
                            + std::to_string(step) + " (it started at "
                            + std::to_string(first_loss) + "); '" + o.out_model
                            + "' is left as its last checkpoint made it; try a lower --lr");
            loss.backward();
            optimizer.step();
            loss_sum += lv;
            ++loss_count;
            ++step;
            const double secs
                = std::chrono::duration<double>(clock_type::now() - epoch_t0).count();
            const double ips = loss_count * o.batch / std::max(secs, 1e-9);
            const double eta = (o.steps - step) * secs / loss_count;
            if (progress && (step % 10 == 0 || step == epoch_end)) {
                std::ostringstream line;
                line << "[" << o.stage << "] epoch " << epoch + 1 << " step " << step << "/"
                     << o.steps << " loss " << std::setprecision(5) << loss_sum / loss_count
                     << " " << std::fixed << std::setprecision(1) << ips << " img/s ETA "
                     << format_duration(eta);
                progress(line.str(), false);
            }
            if (o.budget_seconds > 0 && elapsed() >= o.budget_seconds) {
                out_of_budget = true;
                break;
            }
        }
        const double epoch_loss = loss_sum / std::max<int64_t>(loss_count, 1);
        if (first_epoch)
            result.first_loss = epoch_loss;
        first_epoch = false;
        result.last_loss = epoch_loss;

        st.module->eval();
        metric_map metrics;
        {
            torch::NoGradGuard ng;
            metrics = st.validate();
        }
        const double train_seconds = train_seconds_before + elapsed();
        std::map<std::string, std::string> info {
            { "stage", o.stage },
            { "step", std::to_string(step) },
            { "steps_total", std::to_string(o.steps) },
            { "batch", std::to_string(o.batch) },
            { "channel", ch.to_string() },
            { "train_seconds", std::to_string(train_seconds) },
            { "train_loss", std::to_string(epoch_loss) }
        };
        if (schedule_start > 0)
            info["schedule_start"] = std::to_string(schedule_start);
        if (o.stage == "eve-detector" && !std::isnan(o.encode_snr_db))
            info["encode_snr_db"] = std::to_string(o.encode_snr_db); // Alice's, not Eve's
        if (o.stage == "eve-detector" && o.round_trip_control)
            info["round_trip_control"] = "true"; // not a steganalyst: see train_options
        if (o.stage == "eve-detector" && o.round_trip_plain)
            info["round_trip_plain"] = "true"; // its plain class: see train_options
        // What this INN leg trained with (earlier legs: the CSV and the model card).
        if (o.stage == "inn") {
            info["loss_weights"] = o.loss_weights.to_string();
            info["host_image_loss"] = o.host_image_loss;
            if (o.adversaries > 0 || o.lambda_statistics > 0 || o.lambda_discriminant > 0
                || o.lambda_calibrated > 0) {
                std::ostringstream covert;
                covert << "adversaries=" << o.adversaries << ",width=" << o.adversary_width
                       << ",refresh=" << o.adversary_refresh_steps
                       << ",adversary_steps=" << o.adversary_steps
                       << ",calibrated_adversaries=" << (o.calibrated_adversaries ? 1 : 0)
                       << ",lambda_adversarial=" << o.lambda_adversarial
                       << ",evasion=" << o.evasion
                       << ",lambda_statistics=" << o.lambda_statistics
                       << ",lambda_discriminant=" << o.lambda_discriminant
                       << ",lambda_calibrated=" << o.lambda_calibrated;
                info["covert"] = covert.str();
            }
            if (o.lambda_host_mse > 0)
                info["lambda_host_mse"] = std::to_string(o.lambda_host_mse);
            if (o.host_face_fraction > 0)
                info["host_face_fraction"] = std::to_string(o.host_face_fraction);
            // The codec whose latent space this INN works in (model_file.h).
            const auto codec_sha = read_model_file(o.codec_model, kind_jscc).data_sha256;
            if (!codec_sha.empty())
                info[inn_codec_key] = codec_sha;
            if (!o.private_codec_model.empty()) {
                info[inn_private_codec_key]
                    = read_model_file(o.private_codec_model, kind_jscc).data_sha256;
                info[inn_private_codec_name_key]
                    = std::filesystem::path(o.private_codec_model).filename().string();
            }
        }
        for (const auto& [k, v] : metrics)
            info[k] = std::to_string(v);
        save_module(o.out_model, *st.module, st.kind, st.config, info);
        torch::save(optimizer, optim_path);
        if (st.save_extra)
            st.save_extra();

        if (csv.is_open()) {
            std::string header = "epoch,step,train_loss";
            for (const auto& m : metrics)
                header += "," + m.first;
            header += ",images_per_s,train_seconds";
            if (header != csv_header) {
                csv << header << "\n";
                csv_header = header;
            }
            const double secs
                = std::chrono::duration<double>(clock_type::now() - epoch_t0).count();
            csv << epoch + 1 << "," << step << "," << epoch_loss;
            for (const auto& m : metrics)
                csv << "," << m.second;
            csv << "," << loss_count * o.batch / std::max(secs, 1e-9) << "," << train_seconds
                << "\n";
            csv.flush();
        }
        if (progress) {
            std::ostringstream line;
            line << "[" << o.stage << "] epoch " << epoch + 1 << " done: step " << step
                 << " loss " << epoch_loss;
            for (const auto& m : metrics)
                line << " " << m.first << " " << m.second;
            progress(line.str(), true);
        }
        result.step = step;
        if (out_of_budget)
            break;
    }
    result.finished = step >= o.steps;
    return result;
}

} // namespace semsteg
