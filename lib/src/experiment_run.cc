/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/experiment_run.h>
#include <semsteg/metrics.h>

#include <torch/script.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

namespace fs = std::filesystem;

namespace semsteg {

namespace {

// torch's messages carry a long C++ backtrace after the first line.
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

void append(std::vector<double>& v, const torch::Tensor& t)
{
    const auto c = t.detach().to(torch::kDouble).reshape({ -1 }).contiguous();
    v.insert(v.end(), c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

//! A NaN or infinite pixel is an error, never an empty cell in the tables.
void require_finite(const torch::Tensor& t, const char* what)
{
    if (t.defined() && !torch::isfinite(t).all().item<bool>())
        throw error(std::string("non-finite output (NaN or infinity) from ") + what
                    + ": a model file is damaged or the models do not fit together");
}

void save_batch(const std::string& folder, const torch::Tensor& images, size_t first)
{
    if (!images.defined())
        return;
    fs::create_directories(folder);
    const auto imgs = tensor_to_images(images);
    char name[32];
    for (size_t i = 0; i < imgs.size(); ++i) {
        std::snprintf(name, sizeof(name), "%05zu.png", first + i);
        save_png(folder + "/" + name, imgs[i]);
    }
}

void collect_grid(grid_images& grid,
                  const torch::Tensor& xh,
                  const torch::Tensor& xp,
                  const secure_link_result& r)
{
    constexpr int64_t grid_pairs = 8;
    if (static_cast<int64_t>(grid.pairs) >= grid_pairs)
        return;
    const auto take
        = std::min<int64_t>(grid_pairs - static_cast<int64_t>(grid.pairs), xh.size(0));
    auto add = [take](std::vector<image>& dst, const torch::Tensor& src) {
        if (!src.defined())
            return;
        for (auto& im : tensor_to_images(src.slice(0, 0, take)))
            dst.push_back(std::move(im));
    };
    add(grid.host, xh);
    add(grid.privates, xp);
    add(grid.bob, r.secure_bob);
    add(grid.eve, r.secure_eve);
    add(grid.mia, r.secure_mia);
    grid.pairs += static_cast<size_t>(take);
}

} // namespace

// ---------------------------------------------------------------- LPIPS

struct lpips_model::impl {
    std::string path;
    torch::jit::script::Module module;
};

lpips_model::lpips_model(const std::string& path) : d_impl(std::make_unique<impl>())
{
    d_impl->path = path;
    try {
        d_impl->module = torch::jit::load(path);
    } catch (const std::exception& e) {
        throw error("LPIPS model '" + path
                    + "' is not a loadable TorchScript file: " + first_line(e.what()));
    }
    d_impl->module.eval();
}

lpips_model::~lpips_model() = default;

torch::Tensor lpips_model::distance(const torch::Tensor& a, const torch::Tensor& b)
{
    std::vector<torch::jit::IValue> in { a * 2.0 - 1.0, b * 2.0 - 1.0 };
    torch::Tensor d;
    try {
        d = d_impl->module.forward(in).toTensor();
    } catch (const std::exception& e) {
        throw error("LPIPS model '" + d_impl->path + "' failed on a ["
                    + std::to_string(a.size(0)) + ",3," + std::to_string(a.size(2)) + ","
                    + std::to_string(a.size(3)) + "] batch: " + first_line(e.what()));
    }
    if (d.numel() != a.size(0))
        throw error("LPIPS model '" + d_impl->path + "' returned " + std::to_string(d.numel())
                    + " values for " + std::to_string(a.size(0))
                    + " image pairs (expected one each)");
    return d.reshape({ -1 }).to(torch::kFloat);
}

// ---------------------------------------------------------------- pieces

std::pair<torch::Tensor, torch::Tensor>
pair_batch(const image_pairs& pairs, size_t begin, size_t end)
{
    std::vector<image> h, p;
    for (size_t i = begin; i < end; ++i) {
        h.push_back(pairs.hosts->centered(pairs.pairs.at(i).first, pairs.side));
        p.push_back(pairs.privates->centered(pairs.pairs.at(i).second, pairs.side));
    }
    return { images_to_tensor(h), images_to_tensor(p) };
}

channel_config fixed_snr_channel(const std::string& type, double snr_db)
{
    channel_config c;
    if (type == "awgn")
        c.type = channel_config::kind::awgn;
    else if (type == "rayleigh")
        c.type = channel_config::kind::rayleigh;
    else
        throw error("channel '" + type + "': expected awgn or rayleigh");
    c.snr_db = snr_db;
    return c;
}

void score_images(image_scores& s,
                  const torch::Tensor& rec,
                  const torch::Tensor& ref,
                  lpips_model* lpips,
                  bool with_ssim)
{
    append(s.psnr, psnr(rec, ref));
    if (with_ssim)
        append(s.ssim, ssim(rec, ref));
    append(s.ms_ssim, ms_ssim(rec, ref));
    if (lpips)
        append(s.lpips, lpips->distance(rec, ref));
}

void describe_models(const secure_link_models& models, experiment_setup& setup)
{
    // "auto" resolved, so a reader knows which l̂ Bob used.
    const auto& lost = models.lost;
    const auto used = lost.resolved(*models.stego);
    setup.lost_part = lost.to_string();
    if (used.type == lost_part_mode::kind::estimated)
        setup.lost_part += " (the INN's learned estimate from the received container)";
    else if (used.type != lost.type)
        setup.lost_part += " (" + used.to_string() + ")";
    setup.extractor_row.clear();
    if (models.extractor) {
        const auto& c = models.extractor_cfg;
        setup.extractor_row = c.attack == "e7"
            ? "E7 extractor, " + std::to_string(c.known_pairs) + " known pairs (private)"
            : std::string("E6 extractor, keys of Eve's own (private)");
    }
    setup.codec_config = models.codec->config().to_json();
    setup.inn_config = models.stego->config().to_json();
    setup.ms_ssim_scales = ms_ssim_scales(setup.side);
}

image_scores floor_scores(const image_pairs& pairs, size_t batch, lpips_model* lpips)
{
    image_scores s;
    for (size_t b = 0; b < pairs.pairs.size(); b += batch) {
        const auto [xh, xp] = pair_batch(pairs, b, std::min(pairs.pairs.size(), b + batch));
        score_images(s, xh, xp, lpips);
    }
    return s;
}

// ---------------------------------------------------------------- the tables

eve_table run_eve_table(secure_link_models& models,
                        const image_pairs& pairs,
                        const eve_table_options& o)
{
    if ((o.statistical || o.calibrated) && !models.keep_received)
        throw error("run_eve_table: a statistical steganalyst needs models.keep_received");
    eve_table t;
    std::vector<torch::Tensor> det_plain, det_container, rx_plain, rx_container;
    t.eve_snr_db = o.eve.snr_db;
    auto gen = at::detail::createCPUGenerator(o.seed);
    const std::string what = "Eve SNR " + snr_text(o.eve.snr_db) + " dB";
    const size_t n = pairs.pairs.size();
    for (size_t b = 0; b < n; b += o.batch) {
        const size_t e = std::min(n, b + o.batch);
        const auto [xh, xp] = pair_batch(pairs, b, e);
        const auto r = run_secure_link(models, xh, xp, o.bob, o.eve, gen);
        for (const auto& [out, name] :
             { std::pair { &r.baseline_bob, "the baseline codec (Bob)" },
               std::pair { &r.baseline_eve, "the baseline codec (Eve)" },
               std::pair { &r.secure_bob, "Bob's extraction" },
               std::pair { &r.secure_eve, "Eve's naive decoding of the container" },
               std::pair { &r.secure_mia, "Eve's model inversion" },
               std::pair { &r.baseline_mia, "Eve's model inversion (baseline)" },
               std::pair { &r.eve_inn_nokey, "E4 (the INN without the key)" },
               std::pair { &r.eve_extractor, "Eve's extractor" },
               std::pair { &r.eve_own_inn, "E5 (an INN of Eve's own)" },
               std::pair { &r.detect_container, "the detector" } })
            require_finite(*out, name);

        auto& base = t.cells[row_baseline];
        score_images(base[observer_bob], r.baseline_bob, xp, o.lpips);
        score_images(base[observer_eve], r.baseline_eve, xp, o.lpips);
        auto& sp = t.cells[row_secure_private];
        score_images(sp[observer_bob], r.secure_bob, xp, o.lpips);
        score_images(sp[observer_eve], r.secure_eve, xp, o.lpips);
        auto& sh = t.cells[row_secure_host];
        score_images(sh[observer_eve], r.secure_eve, xh, o.lpips);
        auto& ph = t.cells[row_plain_host];
        score_images(ph[observer_eve], r.plain_host_eve, xh, o.lpips);
        // Attack rows: against the private image, and against the next pair's (the
        // reference of a picture that knows nothing of its own pair).
        const auto other_private = xp.roll(1, 0);
        auto score_attack = [&](int row, const torch::Tensor& rec) {
            if (!rec.defined())
                return;
            score_images(t.cells[row][observer_eve], rec, xp, o.lpips);
            score_images(t.attack_vs_other_private[row], rec, other_private, nullptr, false);
        };
        score_attack(row_extractor, r.eve_extractor);
        score_attack(row_e5_own_inn, r.eve_own_inn);
        score_attack(row_e4_no_key, r.eve_inn_nokey);
        score_attack(row_e4_random_key, r.eve_inn_wrong_key);
        score_attack(row_e4_flipped_bit, r.eve_inn_flipped_bit);
        score_attack(row_e4_wrong_nonce, r.eve_inn_wrong_nonce);
        if (r.secure_mia.defined()) {
            score_images(base[observer_mia], r.baseline_mia, xp, o.lpips);
            score_images(sp[observer_mia], r.secure_mia, xp, o.lpips);
            score_images(sh[observer_mia], r.secure_mia, xh, o.lpips);
            score_images(ph[observer_mia], r.plain_host_mia, xh, o.lpips);
        }
        if (r.detect_plain.defined()) {
            // Logit > 0 says "container"; plain host latents should score below 0.
            t.detector_plain_ok
                += static_cast<size_t>(r.detect_plain.lt(0).sum().item<int64_t>());
            t.detector_container_ok
                += static_cast<size_t>(r.detect_container.gt(0).sum().item<int64_t>());
            t.detector_signals += static_cast<size_t>(xh.size(0));
            if (std::isfinite(o.detector_threshold)) {
                t.detector_refit_plain_ok += static_cast<size_t>(
                    r.detect_plain.le(o.detector_threshold).sum().item<int64_t>());
                t.detector_refit_container_ok += static_cast<size_t>(
                    r.detect_container.gt(o.detector_threshold).sum().item<int64_t>());
            }
            det_plain.push_back(r.detect_plain);
            det_container.push_back(r.detect_container);
        }
        if (r.eve_plain_rx.defined()) {
            rx_plain.push_back(r.eve_plain_rx);
            rx_container.push_back(r.eve_container_rx);
        }
        if (o.grid && o.first_table)
            collect_grid(*o.grid, xh, xp, r);
        if (!o.dump_dir.empty()) {
            const std::string& d = o.dump_dir;
            if (o.first_table) { // independent of Eve's SNR (Bob's noise repeats per table)
                save_batch(d + "/host", xh, b);
                save_batch(d + "/private", xp, b);
                save_batch(d + "/bob", r.secure_bob, b);
                save_batch(d + "/baseline_bob", r.baseline_bob, b);
            }
            const std::string de = d + "/eve_snr" + snr_text(o.eve.snr_db);
            save_batch(de + "/eve_naive", r.secure_eve, b);
            save_batch(de + "/eve_mia", r.secure_mia, b);
            save_batch(de + "/baseline_eve_naive", r.baseline_eve, b);
            save_batch(de + "/baseline_eve_mia", r.baseline_mia, b);
        }
        if (o.progress)
            o.progress(what, e, n, "pairs");
    }
    if (!det_plain.empty()) {
        const auto plain = torch::cat(det_plain), containers = torch::cat(det_container);
        t.detector_auc = roc_auc(plain, containers);
        t.detector_refit_threshold = o.detector_threshold;
        // Eve watching a link for a while: N = 4 and 16 transmissions, where the pairs
        // give at least 8 decisions of each kind.
        for (const int64_t n : { 4, 16 })
            if (std::min(plain.numel(), containers.numel()) >= 8 * n)
                t.detector_pooled.push_back(pool_detection(
                    plain, containers, n, pooled_detection_shufflings, o.seed + n));
    }
    // Eve's received signals, kept when a detector or the steganalyst reads them.
    const auto received_plain = rx_plain.empty() ? torch::Tensor() : torch::cat(rx_plain);
    const auto received_container
        = rx_container.empty() ? torch::Tensor() : torch::cat(rx_container);
    if (!det_plain.empty() && received_plain.defined()) {
        const auto detect = [&](const torch::Tensor& x) {
            torch::NoGradGuard ng;
            const auto told = torch::full(
                { x.size(0) }, o.eve.snr_db + models.snr_estimate_error_db, x.options());
            const auto target = torch::full({ x.size(0) }, o.bob.snr_db, x.options());
            return (*models.detect)
                ->forward(detector_input(**models.detect, *models.codec, x, told, target));
        };
        const auto batch = static_cast<int64_t>(o.batch);
        t.detector_channel_auc
            = channel_auc(detect, received_plain, received_container, batch);
        t.detector_channel_auc_without = channel_auc(detect,
                                                     received_plain,
                                                     received_container,
                                                     batch,
                                                     channel_probe::without_channel);
    }
    // A steganalyst's accuracy at its fitted threshold (logit 0: above it a container).
    const auto steganalyst_accuracy = [](const torch::Tensor& sp, const torch::Tensor& sc) {
        return ((sp <= 0).sum().item<double>() + (sc > 0).sum().item<double>())
            / static_cast<double>(sp.size(0) + sc.size(0));
    };
    if (o.statistical) {
        const auto sp = o.statistical->score(received_plain);
        const auto sc = o.statistical->score(received_container);
        t.have_statistical = true;
        t.statistical_accuracy = steganalyst_accuracy(sp, sc);
        t.statistical_auc = roc_auc(sp, sc);
        for (const auto& st : telling_statistics(received_plain, received_container, 3))
            t.telling.emplace_back(st.name, st.auc);
    }
    if (o.calibrated) {
        const auto features = [&](const torch::Tensor& rx) {
            return calibrated_statistics(
                *models.codec, rx, o.eve.snr_db, o.bob.snr_db, static_cast<int64_t>(o.batch));
        };
        const auto fp = features(received_plain), fc = features(received_container);
        const auto sp = o.calibrated->score_features(fp);
        const auto sc = o.calibrated->score_features(fc);
        t.have_calibrated = true;
        t.calibrated_accuracy = steganalyst_accuracy(sp, sc);
        t.calibrated_auc = roc_auc(sp, sc);
        for (const auto& st :
             telling_features(fp, fc, calibrated_statistic_names(received_plain.size(1)), 3))
            t.calibrated_telling.emplace_back(st.name, st.auc);
    }
    return t;
}

std::vector<sweep_point> run_snr_sweep(secure_link_models models, // a copy: no detector
                                       const image_pairs& pairs,
                                       const std::string& channel,
                                       size_t batch,
                                       uint64_t seed,
                                       const experiment_progress& progress)
{
    models.detect.reset();
    std::vector<sweep_point> out;
    for (int snr = 0; snr <= 20; snr += 2) {
        const auto ch = fixed_snr_channel(channel, snr);
        auto gen = at::detail::createCPUGenerator(seed);
        std::vector<double> base, bob, ep, eh, mp, mh;
        const size_t n = pairs.pairs.size();
        for (size_t b = 0; b < n; b += batch) {
            const size_t e = std::min(n, b + batch);
            const auto [xh, xp] = pair_batch(pairs, b, e);
            const auto r = run_secure_link(models, xh, xp, ch, ch, gen);
            append(base, psnr(r.baseline_bob, xp));
            append(bob, psnr(r.secure_bob, xp));
            append(ep, psnr(r.secure_eve, xp));
            append(eh, psnr(r.secure_eve, xh));
            if (r.secure_mia.defined()) {
                append(mp, psnr(r.secure_mia, xp));
                append(mh, psnr(r.secure_mia, xh));
            }
        }
        out.push_back({ static_cast<double>(snr),
                        n,
                        summarize(base),
                        summarize(bob),
                        summarize(ep),
                        summarize(eh),
                        summarize(mp),
                        summarize(mh) });
        if (progress)
            progress("SNR sweep 0-20 dB", out.size(), 11, "SNRs");
    }
    return out;
}

std::vector<key_point> run_key_sweep(secure_link_models models, // shares the networks
                                     const image_pairs& pairs,
                                     const channel_config& bob,
                                     size_t count,
                                     size_t batch,
                                     uint64_t seed,
                                     const experiment_progress& progress)
{
    if (!models.key)
        throw error("key sweep: a keyed INN and its key are needed");
    torch::NoGradGuard no_grad;
    models.codec->eval();
    models.stego->eval();
    std::vector<stego_key> keys;
    std::vector<nonce_source> nonces(count);
    for (size_t k = 0; k < count; ++k)
        keys.push_back(stego_key::generate());
    std::vector<std::vector<double>> psnrs(count), ms_ssims(count);
    const int rounds = models.stego->config().scramble_rounds;
    const size_t n = pairs.pairs.size();
    for (size_t b = 0; b < n; b += batch) {
        const auto [xh, xp] = pair_batch(pairs, b, std::min(n, b + batch));
        const int64_t size = xh.size(0);
        // The latents do not depend on the key: encoded once per batch.
        auto first = at::detail::createCPUGenerator(seed * 1000003 + b);
        const auto snr0 = channel_snr(bob, size, first);
        const auto zh = models.codec->encode(xh, snr0);
        const auto zp = private_latent(models.private_coder(), *models.stego, xp, snr0);
        for (size_t k = 0; k < count; ++k) {
            // The same draws for every key: one generator per batch, seeded alike.
            auto gen = at::detail::createCPUGenerator(seed * 1000003 + b);
            const auto snr = channel_snr(bob, size, gen);
            std::vector<uint64_t> used;
            for (int64_t i = 0; i < size; ++i)
                used.push_back(nonces[k].next());
            const latent_keying keying(keys[k], used, zp[0].numel(), rounds);
            const auto sent
                = alice_embed(
                      *models.stego, zh, zp, &keying, { models.codec.get(), snr0, xh })
                      .sent;
            const auto rx = apply_channel_at_snr(sent, bob, snr, gen);
            const auto img = private_image(
                models.private_coder(),
                *models.stego,
                bob_extract(*models.stego, models.lost, rx, &keying).recovered.secret,
                snr + models.snr_estimate_error_db);
            append(psnrs[k], psnr(img, xp));
            append(ms_ssims[k], ms_ssim(img, xp));
        }
        if (progress)
            progress("key sweep", std::min(n, b + batch), n, "pairs");
    }
    std::vector<key_point> out;
    for (size_t k = 0; k < count; ++k)
        out.push_back({ keys[k].fingerprint(), summarize(psnrs[k]), summarize(ms_ssims[k]) });
    return out;
}

std::vector<steganalysis_fit> fit_steganalysis(const secure_link_models& models,
                                               const image_pairs& fit,
                                               double bob_snr_db,
                                               const std::vector<double>& eve_snrs_db,
                                               const std::string& channel,
                                               size_t batch,
                                               uint64_t seed,
                                               const experiment_progress& progress)
{
    auto fit_models = models; // the detector stays: its threshold is fitted too
    fit_models.mia.reset();
    fit_models.extractor.reset();
    fit_models.eve_inn.reset();
    fit_models.keep_received = true;
    fit_models.nonces = std::make_shared<nonce_source>();
    fit_models.snr_estimate_error_db = 0;
    if (models.key) {
        std::mt19937_64 rng(seed + 0x5e9a);
        fit_models.key = seeded_key(rng);
    }
    std::vector<steganalysis_fit> out;
    const auto bob = fixed_snr_channel(channel, bob_snr_db);
    for (size_t k = 0; k < eve_snrs_db.size(); ++k) {
        const auto ch = fixed_snr_channel(channel, eve_snrs_db[k]);
        auto gen = at::detail::createCPUGenerator(seed + 1000 + k);
        std::vector<torch::Tensor> plain, containers, det_plain, det_containers;
        for (size_t b = 0; b < fit.pairs.size(); b += batch) {
            const size_t e = std::min(fit.pairs.size(), b + batch);
            const auto [xh, xp] = pair_batch(fit, b, e);
            const auto r = run_secure_link(fit_models, xh, xp, bob, ch, gen);
            plain.push_back(r.eve_plain_rx);
            containers.push_back(r.eve_container_rx);
            if (r.detect_plain.defined()) {
                require_finite(r.detect_plain, "the detector");
                require_finite(r.detect_container, "the detector");
                det_plain.push_back(r.detect_plain);
                det_containers.push_back(r.detect_container);
            }
            if (progress)
                progress("fitting Eve's steganalysis at Eve SNR " + snr_text(eve_snrs_db[k])
                             + " dB",
                         e,
                         fit.pairs.size(),
                         "pairs");
        }
        out.emplace_back();
        const auto rx_plain = torch::cat(plain), rx_containers = torch::cat(containers);
        out.back().statistical.fit(rx_plain, rx_containers);
        const auto calibrated = [&](const torch::Tensor& rx) {
            return calibrated_statistics(*fit_models.codec,
                                         rx,
                                         eve_snrs_db[k],
                                         bob_snr_db,
                                         static_cast<int64_t>(batch));
        };
        out.back().calibrated.fit_features(calibrated(rx_plain), calibrated(rx_containers));
        if (!det_plain.empty())
            out.back().detector_threshold
                = best_threshold(torch::cat(det_plain), torch::cat(det_containers));
    }
    return out;
}

} // namespace semsteg
