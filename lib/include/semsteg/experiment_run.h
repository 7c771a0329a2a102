/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_EXPERIMENT_RUN_H
#define INCLUDED_SEMSTEG_EXPERIMENT_RUN_H

/*!
 * \file experiment_run.h
 * Runs the reference experiment of experiment.h through the secure link (secure_link.h):
 * every reconstruction comes from run_secure_link, every score from metrics.h.
 */

#include <semsteg/covert.h>
#include <semsteg/experiment.h>
#include <semsteg/secure_link.h>

#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace semsteg {

//! A TorchScript LPIPS model called as model(x, y) on [-1,1] images, one distance per image.
class lpips_model
{
public:
    //! Throws semsteg::error when `path` is not a loadable TorchScript file.
    explicit lpips_model(const std::string& path);
    ~lpips_model();
    lpips_model(const lpips_model&) = delete;
    lpips_model& operator=(const lpips_model&) = delete;

    //! [B] distances of two [B,3,H,W] batches in [0,1]; throws on a model that fails or
    //! returns other than one value per pair.
    torch::Tensor distance(const torch::Tensor& a, const torch::Tensor& b);

private:
    struct impl;
    std::unique_ptr<impl> d_impl;
};

//! Progress of a long step: (what, done, total, unit).
using experiment_progress
    = std::function<void(const std::string&, size_t, size_t, const char*)>;

//! The pairs [begin, end) as (host batch, private batch), centre-prepared at pairs.side.
std::pair<torch::Tensor, torch::Tensor>
pair_batch(const image_pairs& pairs, size_t begin, size_t end);

//! A channel of type "awgn" or "rayleigh" at one SNR.
channel_config fixed_snr_channel(const std::string& type, double snr_db);

//! Appends PSNR, SSIM (unless !with_ssim), MS-SSIM and LPIPS (with a model) per image.
void score_images(image_scores& scores,
                  const torch::Tensor& reconstruction,
                  const torch::Tensor& reference,
                  lpips_model* lpips,
                  bool with_ssim = true);

//! Fills what the reports say about the models: l̂ as resolved, the extractor row's name,
//! the codec's and the INN's configurations, the MS-SSIM scales at setup.side.
void describe_models(const secure_link_models& models, experiment_setup& setup);

//! The floor: each pair's host scored against its private image.
image_scores floor_scores(const image_pairs& pairs, size_t batch, lpips_model* lpips);

struct eve_table_options {
    channel_config bob, eve;
    size_t batch = 100;
    uint64_t seed = 1; //!< the same for every table: Bob's noise repeats across Eve SNRs
    lpips_model* lpips = nullptr;
    const statistical_steganalyst* statistical = nullptr; //!< E10, fitted; or none
    //! E10 calibrated (on calibrated_statistics at Eve's SNR, Alice encoding at Bob's),
    //! fitted; or none
    const statistical_steganalyst* calibrated = nullptr;
    //! E3's threshold on the logit refitted at this Eve SNR on separate pairs
    //! (steganalysis_fit); NaN: only the training's threshold 0 is reported
    double detector_threshold = std::numeric_limits<double>::quiet_NaN();
    grid_images* grid = nullptr; //!< filled up to 8 pairs; or none
    //! every reconstruction as PNG under this folder; empty: none. Bob's and the inputs'
    //! only with `first_table` (they do not depend on Eve's SNR).
    std::string dump_dir;
    bool first_table = true;
    experiment_progress progress;
};

/*!
 * One table: every pair through the secure link at Bob's and Eve's channels. Throws
 * semsteg::error on a non-finite output (a damaged model, models that do not fit).
 * `models.keep_received` must be set when a statistical steganalyst is given.
 */
eve_table run_eve_table(secure_link_models& models,
                        const image_pairs& pairs,
                        const eve_table_options& o);

//! PSNR at channel SNR 0, 2, ..., 20 dB, Bob and Eve at the same SNR (no detector).
std::vector<sweep_point> run_snr_sweep(secure_link_models models,
                                       const image_pairs& pairs,
                                       const std::string& channel,
                                       size_t batch,
                                       uint64_t seed,
                                       const experiment_progress& progress = {});

/*!
 * Bob's scores under `count` random keys of a keyed INN (models.key set): the same pairs
 * and the same channel noise under every key, so that the keys alone differ. Throws
 * semsteg::error without a key.
 */
std::vector<key_point> run_key_sweep(secure_link_models models, // shares the networks
                                     const image_pairs& pairs,
                                     const channel_config& bob,
                                     size_t count,
                                     size_t batch,
                                     uint64_t seed,
                                     const experiment_progress& progress = {});

//! What Eve fits at one SNR on pairs kept apart from the evaluated ones.
struct steganalysis_fit {
    statistical_steganalyst statistical; //!< E10
    //! E10 calibrated: the same on the received statistics and those of their calibration
    //! residuals (calibrated_statistics), the public codec decoding at Eve's SNR and
    //! re-encoding at Bob's
    statistical_steganalyst calibrated;
    //! E3's threshold on the logit that calls the most of the fit signals right at this SNR
    //! (best_threshold): an Eve who knows her SNR sets it there rather than at the 0 of a
    //! training over other SNRs. NaN without a detector.
    double detector_threshold = std::numeric_limits<double>::quiet_NaN();
};

/*!
 * What Eve fits on `fit` (pairs kept apart from the evaluated ones), one per Eve SNR: E10's
 * statistical steganalyst, plain and calibrated, and with a detector in `models` its threshold at that SNR. Both
 * see received plain host latents and received containers made with Alice's INN under a key
 * of Eve's own (a keyed INN's containers have the same distribution under any key), Alice
 * encoding for Bob's SNR as in the evaluated link (an SNR-adaptive codec's latents depend
 * on it), Eve receiving at hers.
 */
std::vector<steganalysis_fit> fit_steganalysis(const secure_link_models& models,
                                               const image_pairs& fit,
                                               double bob_snr_db,
                                               const std::vector<double>& eve_snrs_db,
                                               const std::string& channel,
                                               size_t batch,
                                               uint64_t seed,
                                               const experiment_progress& progress = {});

} // namespace semsteg

#endif
