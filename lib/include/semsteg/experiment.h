/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_EXPERIMENT_H
#define INCLUDED_SEMSTEG_EXPERIMENT_H

/*!
 * \file experiment.h
 * The reference experiment (Bob vs Eve on random (host, private) pairs) as data, without
 * torch: the pairing, the statistics over pairs, the result structure and its writers
 * (Markdown, CSV, JSON, the picture grid, the SNR sweep's CSV and gnuplot plot).
 * experiment_run.h fills an experiment_result from the models; semsteg-eval is the command
 * line over both.
 */

#include <semsteg/dataset.h>
#include <semsteg/detection.h>
#include <semsteg/image.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace semsteg {

// ---------------------------------------------------------------- statistics

//! Mean and standard error of the mean over pairs; n == 0 means "not measured".
struct summary {
    double mean = std::numeric_limits<double>::quiet_NaN();
    double se = std::numeric_limits<double>::quiet_NaN(); //!< NaN when n < 2
    size_t n = 0;
    bool measured() const { return n > 0; }
};

//! Mean and standard error (sample standard deviation / √n) of the values.
summary summarize(const std::vector<double>& values);
//! A proportion hits/trials with its binomial standard error √(p(1−p)/n).
summary proportion(size_t hits, size_t trials);
//! Per-pair differences a[i] − b[i], summarised; throws semsteg::error on unequal sizes.
summary paired_difference(const std::vector<double>& a, const std::vector<double>& b);

//! Per-pair scores of one reconstruction against one reference image.
struct image_scores {
    std::vector<double> psnr, ssim, ms_ssim, lpips;
};

struct score_summary {
    summary psnr, ssim, ms_ssim, lpips;
};

score_summary summarize(const image_scores& scores);

// ---------------------------------------------------------------- pairing

//! (host, private) pairs as indices into two image sets of prepared images.
struct image_pairs {
    const image_set* hosts = nullptr;
    const image_set* privates = nullptr;
    std::vector<std::pair<size_t, size_t>> pairs; //!< (host index, private index)
    int side = 64;
};

/*!
 * Draws `count` random pairs (pair_sampler). Images are identified by their canonical path,
 * so an image is never its own host even when the two sets overlap. Throws semsteg::error
 * when the sets hold one and the same image only.
 */
std::vector<std::pair<size_t, size_t>> draw_image_pairs(const image_set& hosts,
                                                        const image_set& privates,
                                                        size_t count,
                                                        uint64_t seed);

// ---------------------------------------------------------------- the result

//! The rows of a table. DeepJSCC (host): the host sent plainly, as Eve would see it were
//! nothing hidden (E9's reference for the secure host row). The E4 rows (keyed INN only):
//! Eve runs the public INN backwards without the right key; E5: an INN of her own
//! backwards; the extractor's (E6 / E7): her trained extractor. Their Eve column is that
//! attack, not the naive decoding.
enum experiment_row {
    row_baseline,
    row_secure_private,
    row_secure_host,
    row_plain_host,
    row_e4_no_key,
    row_e4_random_key,
    row_e4_flipped_bit,
    row_e4_wrong_nonce,
    row_e5_own_inn,
    row_extractor,
    experiment_rows
};
//! The observers, a table's column groups.
enum experiment_observer { observer_bob, observer_eve, observer_mia, experiment_observers };

//! Rows of Eve's attacks (E4 onwards): the Eve column is the row's attack.
inline bool is_attack_row(int row) { return row >= row_e4_no_key; }

//! One table: every pair at Bob's SNR and one Eve SNR.
struct eve_table {
    double eve_snr_db = 0.0;
    std::array<std::array<image_scores, experiment_observers>, experiment_rows> cells;
    //! Attack rows (E4 onwards): the attack's picture against another pair's private image
    //! (the next pair of its batch): what a picture that knows nothing of its own private
    //! image scores, so that a picture drawn to the prior (a mean face) is not read as a
    //! leak. Empty for other rows.
    std::array<image_scores, experiment_rows> attack_vs_other_private;
    //! Eve's detector: signals called right, of each kind (plain host latents, containers)
    size_t detector_plain_ok = 0, detector_container_ok = 0, detector_signals = 0;
    double detector_auc = std::numeric_limits<double>::quiet_NaN();
    //! ... and at its threshold refitted at this Eve SNR on separate pairs (NaN: not refitted)
    double detector_refit_threshold = std::numeric_limits<double>::quiet_NaN();
    size_t detector_refit_plain_ok = 0, detector_refit_container_ok = 0;
    //! ... and over N transmissions of one link (its mean logit over N signals of a kind;
    //! pool_detection in covert.h), for each N the pairs allow
    std::vector<pooled_detection> detector_pooled;
    //! Where the detector finds the containers: per latent channel, its ROC AUC on plain
    //! signals with that one channel taken from the containers (channel_auc in covert.h;
    //! empty unless the received signals were kept)
    std::vector<double> detector_channel_auc;
    //! ... and per latent channel its ROC AUC on the containers with that one channel made
    //! plain (channel_probe::without_channel): where it stays at detector_auc the detector
    //! does not need the channel
    std::vector<double> detector_channel_auc_without;
    //! E10's statistical steganalyst (fitted on separate pairs), when run
    bool have_statistical = false;
    double statistical_accuracy = 0.0, statistical_auc = 0.0;
    //! the statistics that tell the scored signals apart best on their own (a description
    //! of where containers give themselves away; no threshold is set on them)
    std::vector<std::pair<std::string, double>> telling; //!< (statistic, ROC AUC)
    //! E10 calibrated (the statistics of the received signals and of what the public
    //! codec cannot explain in them; calibration_residual in covert.h), when run
    bool have_calibrated = false;
    double calibrated_accuracy = 0.0, calibrated_auc = 0.0;
    std::vector<std::pair<std::string, double>> calibrated_telling; //!< as `telling`
};

//! One line of the SNR sweep: PSNR at one channel SNR (Bob and Eve at the same SNR).
struct sweep_point {
    double snr_db = 0.0;
    size_t pairs = 0;
    summary baseline, bob, eve_private, eve_host, mia_private, mia_host;
};

//! Bob under one of many random keys: every key must work with the same weights.
struct key_point {
    std::string fingerprint; //!< the key's fingerprint (never the key)
    summary bob_psnr, bob_ms_ssim;
};

//! One image set as the reports describe it.
struct image_set_report {
    std::string folder, range;
    double crop = 1.0;
    size_t images = 0, skipped = 0;
    std::vector<std::string> skipped_files;
};

//! How the numbers were made: what the reports say besides the numbers.
struct experiment_setup {
    std::string codec, inn, mia, detector, lpips; //!< model files; empty: not used
    std::string eve_inn; //!< E5's INN of Eve's own; empty: not used
    std::string private_codec; //!< the payload's own codec; empty: the public codec
    std::string lost_part; //!< how Bob fills l̂, resolved (e.g. "auto (zeros)")
    std::string extractor_row; //!< the extractor row's name; empty: no extractor
    nlohmann::json codec_config, inn_config;
    int side = 64;
    int ms_ssim_scales = 3;
    uint64_t seed = 1;
    size_t batch = 100;
    std::string channel = "awgn";
    double bob_snr_db = 10.0, snr_estimate_error_db = 0.0;
    std::vector<double> eve_snrs_db;
    int torch_threads = 1;
    image_set_report privates;
    bool hosts_same_pool = true; //!< hosts drawn from the private images
    image_set_report hosts; //!< unused when hosts_same_pool
    size_t pairs = 0;
    std::string statistical_fit; //!< what E10's steganalyst was fitted on; empty: not run
    std::string dump_dir; //!< where every reconstruction went; empty: nowhere
};

//! The first pairs' images for the picture grid (rows host, private, Bob, Eve naive, MIA).
struct grid_images {
    std::vector<image> host, privates, bob, eve, mia;
    size_t pairs = 0;
};

struct experiment_result {
    experiment_setup setup;
    image_scores floor; //!< each pair's host against its private image
    std::vector<eve_table> tables; //!< one per Eve SNR
    std::vector<sweep_point> sweep;
    std::vector<key_point> keys; //!< Bob under random keys (empty: not run)
    size_t sweep_pairs = 0;
    grid_images grid;
    //! Which of Eve's optional models and LPIPS were used: those the setup names.
    bool have_mia() const { return !setup.mia.empty(); }
    bool have_detector() const { return !setup.detector.empty(); }
    bool have_lpips() const { return !setup.lpips.empty(); }
    double eval_s = 0.0, total_s = 0.0; //!< seconds without / with the sweep
};

// ---------------------------------------------------------------- writers

//! A row's display name ("Secure (private)", the extractor's attack, ...).
std::string experiment_row_name(const experiment_result& result, int row);

//! results.md: settings, one table per Eve SNR, the floor, leakage and detection, the files.
//! `plot_note` says what became of the sweep plot.
std::string results_markdown(const experiment_result& result, const std::string& plot_note);
//! results.csv: one line per (Eve SNR, row), every metric with its standard error.
std::string results_csv(const experiment_result& result);
//! results.json: settings, data, floor, tables and the sweep.
nlohmann::json results_json(const experiment_result& result);
//! snr_sweep.csv.
std::string sweep_csv(const experiment_result& result);
//! key_sweep.csv: one line per random key (fingerprint, Bob's PSNR and MS-SSIM).
std::string key_sweep_csv(const experiment_result& result);
//! snr_sweep.gp: a gnuplot script that plots `folder`/snr_sweep.csv to snr_sweep.png
//! (absolute paths: it runs from any folder).
std::string sweep_gnuplot_script(const experiment_result& result, const std::string& folder);
//! grid.png's picture: one column per pair.
image results_grid(const grid_images& grid);
//! pairs.csv: which host and private image each pair index is.
std::string pairs_csv(const image_pairs& pairs);

/*!
 * Writes grid.png, snr_sweep.{csv,gp} (and snr_sweep.png through `gnuplot` when that exists)
 * and results.{md,csv,json} into `folder` (which must exist); returns results.md's text.
 * `warn` hears why there is no plot (gnuplot missing or failing).
 * Throws semsteg::error when a file cannot be written.
 */
std::string write_experiment(const experiment_result& result,
                             const std::string& folder,
                             const std::function<void(const std::string&)>& warn = {},
                             const std::string& gnuplot = "/usr/bin/gnuplot");

//! An SNR as a user writes it: "10", "12.5".
std::string snr_text(double snr_db);
//! One CSV field, quoted when it holds a comma, a quote or a newline.
std::string csv_field(const std::string& text);

} // namespace semsteg

#endif
