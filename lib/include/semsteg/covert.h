/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_COVERT_H
#define INCLUDED_SEMSTEG_COVERT_H

/*!
 * \file covert.h
 * Covertness (LibTorch): what tells a container from a plain latent, used on both sides.
 *  - latent_statistics: the simple per-image statistics a steganalyst computes first
 *    (per-channel mean, variance, excess kurtosis, the spatial power spectrum in radial
 *    bands, and the channels' pairwise correlations); Eve's statistical steganalyst (E10) and the INN's distribution-matching term
 *    both read them, so the term trains against exactly what the attacker measures.
 *  - statistics_gap: the distribution-matching term (moments and a Gaussian-kernel MMD of
 *    the standardised statistics, containers against plain latents).
 *  - statistics_discriminant: Fisher's discriminant distance between the two classes'
 *    statistics, the squared Mahalanobis distance of their means: what a linear detector on
 *    the statistics can exploit (its best accuracy is Φ(√D²/2) for Gaussian classes). A
 *    per-feature gap can be small while many small shifts add up to a large D²; this term
 *    weighs them as the detector does.
 *  - detector_ensemble: the adversaries of covert training, a few detectors trained
 *    alongside the INN on received signals; the INN's evasion term is taken against the
 *    strongest of them (or their mean), and the weakest is replaced by a fresh one now and then, so the INN
 *    cannot settle into one detector's blind spot. Never used to evaluate (E10 is trained
 *    after the INN is frozen).
 *  - statistical_steganalyst: logistic regression on latent_statistics (E10's simple
 *    tests), fitted on one set of received signals and applied to another; calibrated
 *    (calibration_residual), on the statistics of what the public codec cannot explain.
 */

#include <semsteg/detection.h>
#include <semsteg/nn.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace semsteg {

//! Radial bands of the spatial power spectrum in latent_statistics.
constexpr int spectrum_bands = 4;

/*!
 * Per-image statistics of latents [B,C,h,w] → [B, C·(3 + spectrum_bands) + C·(C−1)/2]: for
 * each channel the mean, the variance, the excess kurtosis over the h×w positions, and the
 * log mean power of the 2-D spectrum in `spectrum_bands` radial frequency bands; then for
 * each pair of channels their correlation over the positions. Differentiable.
 */
torch::Tensor latent_statistics(const torch::Tensor& latent);

/*!
 * How far the containers' statistics are from the plain latents' (both [B,C,h,w]): the
 * squared difference of the batch means of the standardised statistics (standardised by the
 * plain latents' batch mean and deviation, which carry no gradient) plus the squared MMD with
 * a Gaussian kernel on them. Zero for identical batches; gradients flow into `containers`.
 */
torch::Tensor statistics_gap(const torch::Tensor& containers, const torch::Tensor& plain);
//! The same from statistics already computed (both [B,F], from latent_statistics), for a
//! caller that needs them for other terms too.
torch::Tensor statistics_gap_of(const torch::Tensor& container_stats,
                                const torch::Tensor& plain_stats);

//! What each column of latent_statistics is, for `channels` latent channels (e.g. "ch3
//! variance", "ch0 band 2 log power").
std::vector<std::string> latent_statistic_names(int64_t channels);

/*!
 * Fisher's discriminant distance Δμᵀ Σ⁻¹ Δμ between containers' and plain latents'
 * statistics (both [B,F], from latent_statistics): Δμ the difference of the batch means, Σ
 * `covariance` [F,F] when given (e.g. a running_covariance of plain statistics over many
 * batches), else the plain batch's own; Σ is shrunk 10 % towards its diagonal and floored,
 * so that a batch smaller than F still gives a finite distance. Gradients flow into
 * `container_stats` only.
 */
torch::Tensor statistics_discriminant(const torch::Tensor& container_stats,
                                      const torch::Tensor& plain_stats,
                                      const torch::Tensor& covariance = {});

//! An exponentially weighted covariance of feature batches [B,F] (no gradient): a
//! plain average over the first 1/(1 − momentum) batches, then a moving one.
class running_covariance
{
public:
    explicit running_covariance(double momentum = 0.99);
    void update(const torch::Tensor& features);
    //! [F,F]; undefined before the first update
    torch::Tensor value() const { return d_covariance; }
    int64_t updates() const { return d_updates; }

private:
    double d_momentum;
    int64_t d_updates = 0;
    torch::Tensor d_mean, d_covariance;
};

//! One statistic alone as a detector: its name and its ROC AUC (containers above plain).
struct telling_statistic {
    std::string name;
    double auc = 0.5;
};

/*!
 * The `count` statistics of latent_statistics that tell received containers from received
 * plain latents best on their own (the largest |AUC − ½|), most telling first: where a
 * covert INN still gives itself away.
 */
std::vector<telling_statistic>
telling_statistics(const torch::Tensor& plain, const torch::Tensor& containers, size_t count);
//! The same on features computed by the caller ([B,F] each, `names` F of them, e.g.
//! calibrated_statistics and calibrated_statistic_names).
std::vector<telling_statistic> telling_features(const torch::Tensor& plain,
                                                const torch::Tensor& containers,
                                                const std::vector<std::string>& names,
                                                size_t count);

/*!
 * The adversaries of covert training: `count` detectors, each with its own Adam, trained
 * one step per training step on received plain latents (label 0) against received
 * containers (label 1).
 */
class detector_ensemble
{
public:
    detector_ensemble(int count,
                      const detector_config& cfg,
                      double lr,
                      const torch::Device& device);

    /*!
     * One optimiser step for every member on (plain, containers), both [B,C,h,w] received
     * signals (detached here). Updates each member's running accuracy.
     */
    void train_step(const torch::Tensor& plain, const torch::Tensor& containers);
    /*!
     * The INN's evasion term: the binary cross-entropy of the containers labelled plain,
     * under the member that spots them best on this batch (the largest term), or with
     * `against_all` the mean over the members (every member's features at once, not only
     * the strongest's). Gradients flow into `containers` (and into the members'
     * parameters, which their next train_step clears).
     */
    torch::Tensor evasion_loss(const torch::Tensor& containers, bool against_all = false);
    //! Replaces the member with the lowest running accuracy by a freshly initialised one.
    void refresh_weakest();
    //! The highest running accuracy (an exponential average over recent train_steps).
    double strongest_accuracy() const;
    //! The strongest member's accuracy on (plain, containers), threshold 0 on its logit.
    double accuracy(const torch::Tensor& plain, const torch::Tensor& containers);
    int size() const { return static_cast<int>(d_members.size()); }

    //! The members' weights and running accuracies (a resumed training carries them on;
    //! their optimiser state restarts).
    void save(const std::string& path) const;
    void load(const std::string& path); //!< throws semsteg::error on a mismatch

private:
    size_t strongest() const;
    detector_config d_cfg;
    double d_lr;
    torch::Device d_device;
    std::vector<detector> d_members;
    std::vector<std::unique_ptr<torch::optim::Adam>> d_optimizers;
    std::vector<double> d_running_accuracy;
};

/*!
 * E10's simple tests: logistic regression on the standardised latent_statistics of
 * received signals. Fitted on labelled examples (plain 0, container 1); the threshold is
 * the fitted one (logit 0), chosen on the fitting data, never on the data it is scored on.
 */
class statistical_steganalyst
{
public:
    //! Fits on received plain latents and received containers (full-batch L-BFGS).
    void fit(const torch::Tensor& plain, const torch::Tensor& containers);
    //! Logits [B] (positive: a container).
    torch::Tensor score(const torch::Tensor& received) const;
    //! The same on features computed by the caller ([B,F] each, e.g.
    //! calibrated_statistics); score_features then takes features of that kind.
    void fit_features(const torch::Tensor& plain, const torch::Tensor& containers);
    torch::Tensor score_features(const torch::Tensor& features) const;
    bool fitted() const { return d_weights.defined(); }

private:
    torch::Tensor d_mean, d_scale, d_weights, d_bias;
};

/*!
 * Calibration (the steganalyst's reference, as for JPEG steganalysis): what the public codec
 * cannot explain in a received latent [B,C,h,w], r = y − E(D(y)), D told `decode_snr_db`
 * (Eve's SNR), E `encode_snr_db` (the link's target, Bob's SNR; a plain codec ignores
 * both). For a plain latent r is the channel noise plus the codec's own round-trip error;
 * for a container also what the INN put off the codec's range. Computed `batch` signals at
 * a time without gradients, on the codec's device.
 */
torch::Tensor calibration_residual(jscc_codec_impl& codec,
                                   const torch::Tensor& received,
                                   double decode_snr_db,
                                   double encode_snr_db,
                                   int64_t batch);

//! The same with an SNR per signal (`decode_snr_db`, `encode_snr_db` [B]), in one pass and
//! with gradients where the caller has them on (covert training's calibrated term).
torch::Tensor calibration_residual(jscc_codec_impl& codec,
                                   const torch::Tensor& received,
                                   const torch::Tensor& decode_snr_db,
                                   const torch::Tensor& encode_snr_db);

/*!
 * What a trained detector reads of received latents [B,C,h,w]: the latents themselves, or
 * for a calibrated detector (detector_config::calibrated) the latents and their calibration
 * residuals side by side, [B,2C,h,w] (SNRs per signal, [B], as calibration_residual's).
 */
torch::Tensor detector_input(const detector_impl& detector,
                             jscc_codec_impl& codec,
                             const torch::Tensor& received,
                             const torch::Tensor& decode_snr_db,
                             const torch::Tensor& encode_snr_db);

//! The calibrated steganalyst's features [B, 2F]: latent_statistics of the received
//! signals, then of their calibration residuals (both [B,C,h,w]).
torch::Tensor calibrated_statistics(const torch::Tensor& received,
                                    const torch::Tensor& residual);
//! What each column of calibrated_statistics is ("received ch3 variance", "residual ch0
//! band 2 log power").
//! The calibrated features of received latents straight from them: calibrated_statistics
//! of `received` and its calibration_residual through `codec` (SNRs per signal, with
//! gradients where the caller has them on; or one SNR each, `batch` at a time, without).
torch::Tensor calibrated_statistics(jscc_codec_impl& codec,
                                    const torch::Tensor& received,
                                    const torch::Tensor& decode_snr_db,
                                    const torch::Tensor& encode_snr_db);
torch::Tensor calibrated_statistics(jscc_codec_impl& codec,
                                    const torch::Tensor& received,
                                    double decode_snr_db,
                                    double encode_snr_db,
                                    int64_t batch);
std::vector<std::string> calibrated_statistic_names(int64_t channels);

//! Area under the ROC curve of scores for negatives (plain) and positives (containers):
//! the probability that a random container scores above a random plain latent (ties ½).
double roc_auc(const torch::Tensor& negative_scores, const torch::Tensor& positive_scores);

/*!
 * The decision threshold that calls the most of these labelled scores right (negatives at
 * or below it, positives above): the midpoint between two neighbouring scores, the lowest
 * such when several tie. A threshold is chosen on data kept apart from what it then decides.
 */
double best_threshold(const torch::Tensor& negative_scores,
                      const torch::Tensor& positive_scores);

/*!
 * A detector's decision over N transmissions of one link: the mean of its logits over N
 * signals of one kind (all plain or all containers; each link sends one kind), scored like
 * one signal's logit (accuracy at threshold 0, as the single-signal count: below it plain,
 * above it a container; ROC AUC). The signals of each kind are
 * shuffled and cut into disjoint groups of N; the figures are the means over `shufflings`
 * such cuttings (deterministic for a seed). Evidence adds up over transmissions: for
 * Gaussian scores d′ grows as √N (the square-root law, seen from Eve's side). Throws
 * semsteg::error for N < 1 or a kind with fewer than N scores.
 */
pooled_detection pool_detection(const torch::Tensor& negative_scores,
                                const torch::Tensor& positive_scores,
                                int64_t transmissions,
                                int shufflings,
                                uint64_t seed);

//! What a channel probe (channel_auc) puts in front of the detector for channel c.
enum class channel_probe {
    only_channel, //!< the plain signals with channel c taken from the containers
    without_channel, //!< the containers with channel c taken from the plain signals
};

/*!
 * Where a trained detector finds the containers, channel by channel: for each latent channel
 * c, the ROC AUC of `score` on the received plain latents against a hybrid of plain and
 * container signals (pair by pair: `plain[i]` and `containers[i]` carry the same host).
 * With channel_probe::only_channel the hybrid is the plain signals with channel c taken from
 * the containers: ½ where the detector sees nothing in that channel alone. With
 * channel_probe::without_channel it is the containers with channel c made plain: the
 * all-channel AUC where the detector does not need channel c, lower where it does (a
 * detector reading structure across channels needs every channel of it while seeing nothing
 * in any one alone). Scores are computed `batch` signals at a time, without gradients.
 */
std::vector<double>
channel_auc(const std::function<torch::Tensor(const torch::Tensor&)>& score,
            const torch::Tensor& plain,
            const torch::Tensor& containers,
            int64_t batch,
            channel_probe probe = channel_probe::only_channel);

} // namespace semsteg

#endif
