/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_TRAIN_H
#define INCLUDED_SEMSTEG_TRAIN_H

/*!
 * \file train.h
 * The training stages (torch-free interface; the loops live in train.cc):
 *   jscc          plain DeepJSCC codec (the baseline), MSE through the channel
 *   inn           the steganography INN, codec frozen, L_forward + L_backward + L_privacy
 *   eve-mia       Eve's inverse network on (her own image, E(image) through the channel)
 *   eve-detector  Eve's steganalysis classifier: received container vs received plain latent
 *   eve-extractor Eve's extractor without the key (E6: containers under keys of her own;
 *                 E7: known (container, private image) pairs of Alice's traffic)
 * Each stage is resumable: the model file (written at every checkpoint, atomically) records the
 * step reached, and PATH.optim holds the optimiser state. A per-epoch CSV logs losses and
 * validation metrics.
 */

#include <semsteg/dataset.h>

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>

namespace semsteg {

/*!
 * The INN's loss weights λ1..λ5 of the design (README, Design notes) and λ6, an extension: Eve's
 * decoding of the received container should look like the host in the image domain, not
 * only in the latent (λ1), so the INN may hide in directions the public decoder D shows
 * little of.
 */
struct inn_loss_weights {
    double container_host = 1.0; //!< λ1 ‖z_c − z_h‖²: the container is the host's latent
    double lost_part = 1.0; //!< λ2 ‖l − l̂‖²: the lost part is what Bob fills in
    double private_latent = 2.0; //!< λ3 ‖ẑ_p − z_p‖²: Bob recovers the private latent
    double host_latent = 1.0; //!< λ4 ‖ẑ_h − z_h‖²: and the host latent
    double private_image = 100.0; //!< λ5 ‖D(ẑ_p) − x_p‖²: and the private image
    double host_image = 0.0; //!< λ6: Eve's naive decoding against the host image

    //! λ1..λ6 in order (the command line's --lambda1..6, the model files' record).
    std::array<double*, 6> by_number();
    std::array<double, 6> values() const;
    //! "λ1,...,λ6" as the model files record them, e.g. "1,1,2,1,100,0".
    std::string to_string() const;
};

struct train_options {
    std::string stage; //!< jscc | inn | eve-mia | eve-detector | eve-extractor
    std::string out_model; //!< model file to write (checkpoints and final)
    std::string csv_path; //!< per-epoch CSV (appended when resuming)
    std::string codec_model; //!< inn, eve-mia, eve-detector: the frozen codec
    //! inn (a new OUT, or the one it records), eve-detector: the frozen codec of the private
    //! image, when the payload has one of its own (secure_link.h: private_latent)
    std::string private_codec_model;
    std::string inn_model; //!< eve-detector: the INN that makes containers
    int64_t steps = 10000; //!< total optimiser steps (a resumed run continues to this)
    int64_t steps_per_epoch = 250;
    int batch = 64;
    double lr = 1e-3; //!< Adam; cosine decay to lr/20 over `steps`
    //! warm restart: the cosine starts again (at `lr`) from the step this run resumes at and
    //! ends at `steps`; the file records that start, so later resumes keep the schedule
    bool restart_schedule = false;
    double budget_seconds = 0; //!< wall-clock budget for this run (0 = none)
    uint64_t seed = 1;
    std::string channel = "awgn:10"; //!< see channel_config::parse
    std::string device = "cpu"; //!< cpu, cuda or cuda:N (needs a CUDA LibTorch)
    int image_side = 64;
    double min_crop_scale = 0.9; //!< random-crop scale range [min, 1] for augmentation
    int validation_images = 500; //!< evaluated at each epoch end (fixed, seeded)
    bool resume = true;
    // Architecture (used when a stage starts from scratch)
    double bcr = 1.0 / 12.0;
    int codec_width = 128;
    //! jscc: an SNR-adaptive codec (attention feature modules fed the channel SNR, drawn per
    //! image from the --channel range)
    bool snr_adaptive = false;
    //! jscc, starting: extend this plain codec file (its weights; new modules start as the
    //! identity) instead of starting from scratch
    std::string init_codec;
    //! inn, starting: take every parameter of this INN file whose name and shape match (an
    //! INN of another payload: all but the secret branch's first and last layers), the rest
    //! fresh; ignored when resuming
    std::string init_inn;
    int inn_blocks = 8;
    int inn_width = 32;
    //! inn: width of Bob's learned l̂ = g(ẑ_c) (0 = none, l̂ = 0); added to a resumed INN
    //! that has none (the blocks carry on, the optimiser restarts)
    int lost_estimator_width = 0;
    int mia_width = 128;
    //! inn: keyed hiding (secure_link.h): every step scrambles the private latents under a
    //! fresh random key and nonces, so one INN works for every key; a resumed keyless INN
    //! becomes keyed (its weights carry on)
    bool keyed = false;
    //! inn: the containers go on the air through the public codec's round trip E(D(z_c))
    //! (inn_config::codec_round_trip); a resumed INN or --init-inn without it takes it on
    //! (its weights carry on); one with it keeps it
    bool codec_round_trip = false;
    //! inn, with codec_round_trip: the host's detail added back before the round trip
    //! (inn_config::round_trip_host_detail); a resumed INN or --init-inn without it takes it
    //! on with its weights
    bool round_trip_host_detail = false;
    int scramble_rounds = 3;
    //! inn, new OUT: the payload (inn_config::private_downscale): 1 hides the whole private
    //! latent, s > 1 the latent of the private image downscaled s times
    int private_downscale = 1;
    // eve-extractor (E6, E7): Eve's network from what she receives to the private image.
    int extractor_width = 128;
    //! 0: E6, containers under fresh keys of Eve's own every step. N > 0: E7, N fixed
    //! (received container, private image) pairs of Alice's traffic, made under Alice's key
    //! (`key_file`, else a key drawn from the seed) with fresh nonces; the validation
    //! containers are new ones under the same key.
    int known_pairs = 0;
    std::string key_file; //!< E7: Alice's key (used to make her traffic; never stored)
    inn_loss_weights loss_weights; //!< inn: λ1..λ6
    //! λ6's distance: "mse" (λ6‖x_h − D(ẑ_c)‖²) or "ms-ssim" (λ6·(1 − MS-SSIM))
    std::string host_image_loss = "mse";
    //! A second host-image term, always the MSE (PSNR), for use beside an MS-SSIM λ6:
    //! structure and pixel fidelity of Eve's picture at their own scales
    double lambda_host_mse = 0;
    // Covert training (covert.h), inn stage. The adversaries are detectors trained alongside
    // the INN on received signals (plain host latents against containers); they are saved
    // next to the model (OUT.adversaries) and never used to evaluate.
    int adversaries = 0; //!< how many (0: none); monitored even when λ_adversarial is 0
    int adversary_width = 32;
    int adversary_refresh_steps = 500; //!< the weakest is replaced this often (0: never)
    //! adversary updates per INN step, each on its own channel draw of the batch (a
    //! detector trained for long on a frozen INN outruns adversaries that learn once per
    //! step: more updates keep the evasion term's opponent nearer that strength)
    int adversary_steps = 1;
    //! calibrated adversaries (detector_config::calibrated): each reads the received signal
    //! and what the public codec cannot explain in it, y − E(D(y)), as E3's calibrated CNN
    //! does; the evasion term's gradients then pass through the codec's round trip
    bool calibrated_adversaries = false;
    double lambda_adversarial = 0; //!< weight of the evasion term
    //! whom the evasion term is taken against: "strongest" (the member that spots this
    //! batch best) or "mean" (all members, averaged)
    std::string evasion = "strongest";
    //! weight of the statistics gap (moments, spectra, correlations, MMD) between containers and plain
    //! latents of the same hosts
    double lambda_statistics = 0;
    //! weight of Fisher's discriminant distance between containers' and plain latents'
    //! statistics (covert.h statistics_discriminant; Σ a running covariance of the plain
    //! latents' statistics, re-estimated when a run resumes)
    double lambda_discriminant = 0;
    //! weight of Fisher's discriminant distance between the calibrated statistics (covert.h
    //! calibrated_statistics: those of the received signal and of what the public codec
    //! cannot explain in it, y − E(D(y))) of received containers and received plain latents:
    //! what E10's calibrated steganalyst exploits
    double lambda_calibrated = 0;
    //! inn, eve-detector with a separate host set: the fraction of pairs whose host is a
    //! training (face) image instead (faces and photos as hosts)
    double host_face_fraction = 0;
    //! random-crop scale range [min, 1] for the separate host set (photos: multi-scale);
    //! negative: min_crop_scale
    double host_min_crop_scale = -1;
    //! eve-detector: the detector's width (E3 used 32; a fresh steganalyst, E10, is wider)
    int detector_width = 32;
    //! eve-detector: a calibrated detector (detector_config::calibrated), reading the
    //! received latent and its calibration residual y − E(D(y))
    bool calibrated_detector = false;
    //! eve-detector: the SNR in dB that Alice's SNR-adaptive encoder is told (her link's
    //! target, Bob's SNR, public); NaN: each pair's channel SNR, Eve's. Eve's channel stays
    //! the --channel draw either way.
    double encode_snr_db = std::numeric_limits<double>::quiet_NaN();
    //! eve-detector: a control with no INN: the second class is the host's own latent
    //! through the public codec's round trip, E(D(E(x))), in place of a container. It
    //! measures whether the round trip alone (what a codec_round_trip INN sends through)
    //! is detectable, so a round-trip INN's detection can be read against it.
    bool round_trip_control = false;
    //! eve-detector, with an INN: the plain class is the host's latent through the public
    //! codec's round trip, E(D(E(x))), in place of E(x). It measures what a round-trip
    //! INN's containers leave beyond the round trip itself: the detection a covert design
    //! faces when plain traffic is sent through the same round trip.
    bool round_trip_plain = false;
};

struct training_data {
    const image_set* train = nullptr; //!< Alice's images (private; hosts too for faces)
    const image_set* hosts = nullptr; //!< optional separate host set (else `train`)
    const image_set* validation = nullptr; //!< held-out images for the epoch metrics
    const image_set* validation_hosts = nullptr; //!< optional (else `validation`)
};

struct train_result {
    int64_t step = 0; //!< step reached
    double first_loss = 0; //!< mean training loss of the first epoch run now
    double last_loss = 0; //!< mean training loss of the last epoch run now
    bool finished = false; //!< reached `steps` (false: stopped by the budget)
};

//! Runs one stage; `progress` receives a one-line status now and then (may be empty).
//! Throws semsteg::error on bad options, models or data.
train_result run_training(const train_options& opts,
                          const training_data& data,
                          const std::function<void(const std::string&, bool)>& progress);

} // namespace semsteg

#endif
