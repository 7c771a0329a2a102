/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_NN_H
#define INCLUDED_SEMSTEG_NN_H

/*!
 * \file nn.h
 * The networks (LibTorch). Include only from the few translation units that need torch:
 * GNU Radio blocks and other widely included code use the torch-free facades instead.
 *
 * Tensors: images are float [B, 3, H, W] in [0,1]; latents are float [B, C, H/4, W/4] with
 * unit mean complex-symbol power per image (see latent_symbols.h for the I/Q pairing).
 */

#include <semsteg/channel.h>
#include <semsteg/image.h>
#include <semsteg/model_file.h>

#include <torch/torch.h>

#include <string>
#include <vector>

namespace semsteg {

// ---------------------------------------------------------------- DeepJSCC codec (E, D)

struct jscc_config {
    int image_side = 64; //!< the side the codec was trained at (any multiple of 4 works)
    double bcr = 1.0 / 12.0; //!< bandwidth compression ratio k/n
    int encoder_width = 128; //!< channels of the encoder's inner layers
    int decoder_width = 128; //!< channels of the decoder's inner layers
    //! SNR-adaptive: encoder and decoder take the channel SNR (attention feature modules)
    bool snr_adaptive = false;
    int
    latent_channels() const; //!< C = 2k/(H/4·W/4) = 96·bcr; throws unless a positive even int

    nlohmann::json to_json() const;
    static jscc_config from_json(const nlohmann::json& j);
};

/*!
 * Attention feature module (ADJSCC, Xu et al. 2021): features × 2·sigmoid(FC(ReLU(FC(
 * [channel means, SNR/20])))). The last FC starts at zero, so a new module is the identity
 * map and an SNR-adaptive codec starts as the plain codec it was extended from.
 */
class snr_attention_impl : public torch::nn::Module
{
public:
    explicit snr_attention_impl(int channels);
    //! features [B,C,h,w], snr_db [B] → features scaled per image and channel.
    torch::Tensor forward(const torch::Tensor& features, const torch::Tensor& snr_db);

private:
    torch::nn::Linear d_fc1 { nullptr }, d_fc2 { nullptr };
};
TORCH_MODULE_IMPL(snr_attention, snr_attention_impl);

//! Encoder E: two stride-2 5×5 convolutions, residual 3×3 stages, PReLU; output C channels.
class encoder_impl : public torch::nn::Module
{
public:
    explicit encoder_impl(const jscc_config& cfg);
    /*!
     * Images [B,3,H,W] (H, W multiples of 4) → raw latent [B,C,H/4,W/4] (not normalised).
     * `snr_db` [B]: the channel SNR, used by an SNR-adaptive encoder only.
     */
    torch::Tensor forward(const torch::Tensor& images, const torch::Tensor& snr_db = {});

private:
    torch::nn::Conv2d d_conv1 { nullptr }, d_conv2 { nullptr }, d_conv3 { nullptr },
        d_conv4 { nullptr }, d_out { nullptr };
    torch::nn::PReLU d_act1 { nullptr }, d_act2 { nullptr }, d_act3 { nullptr },
        d_act4 { nullptr };
    torch::nn::ModuleList d_attention { nullptr }; //!< after each stage; empty: not adaptive
};
TORCH_MODULE_IMPL(encoder, encoder_impl);

/*!
 * Sub-pixel decoder: 3×3 convolutions with PReLU (two residual), two Conv2d + PixelShuffle(2)
 * upsamplings (the second straight to RGB), sigmoid output. Used as Bob's and Eve's public decoder D and as Eve's inverse network.
 */
class decoder_impl : public torch::nn::Module
{
public:
    decoder_impl(int latent_channels, int width, bool snr_adaptive = false);
    //! Latent [B,C,h,w] → images [B,3,4h,4w] in [0,1]; `snr_db` [B] as for the encoder.
    torch::Tensor forward(const torch::Tensor& latent, const torch::Tensor& snr_db = {});
    int latent_channels() const { return d_latent_channels; }

private:
    int d_latent_channels;
    torch::nn::ModuleList d_attention { nullptr };
    torch::nn::Conv2d d_in { nullptr }, d_res1 { nullptr }, d_res2 { nullptr },
        d_up1 { nullptr }, d_out { nullptr };
    torch::nn::PReLU d_act_in { nullptr }, d_act_res1 { nullptr }, d_act_res2 { nullptr },
        d_act_up1 { nullptr };
};
TORCH_MODULE_IMPL(decoder, decoder_impl);

//! The DeepJSCC codec: E followed by per-image power normalisation, and D.
class jscc_codec_impl : public torch::nn::Module
{
public:
    explicit jscc_codec_impl(const jscc_config& cfg);
    /*!
     * Images → unit-power latent (the channel input z). `snr_db` [B] (or one value for the
     * batch): the channel SNR Alice targets; an SNR-adaptive codec needs it, a plain one
     * ignores it.
     */
    torch::Tensor encode(const torch::Tensor& images, const torch::Tensor& snr_db = {});
    //! Received latent → images; `snr_db`: the SNR Bob (or Eve) estimates, as for encode.
    torch::Tensor decode(const torch::Tensor& latent, const torch::Tensor& snr_db = {});
    const jscc_config& config() const { return d_cfg; }
    bool snr_adaptive() const { return d_cfg.snr_adaptive; }

private:
    jscc_config d_cfg;
    encoder d_encoder { nullptr };
    decoder d_decoder { nullptr };
};
TORCH_MODULE_IMPL(jscc_codec, jscc_codec_impl);

//! Copies into `to` every parameter of `from` with the same name (a network extended with
//! new modules keeps what it had; the new modules keep their initial values).
void copy_shared_parameters(torch::nn::Module& from, torch::nn::Module& to);

//! An SNR-adaptive copy of the plain `codec`: same weights, identity attention modules.
jscc_codec with_snr_adaptation(jscc_codec& codec);

// ---------------------------------------------------------------- INN (steganography)

struct inn_config {
    int channels = 8; //!< latent channels C (of both host and private latents)
    int blocks = 8; //!< invertible blocks
    int width = 32; //!< channels inside the Φ, ρ, η sub-networks
    double clamp = 2.0; //!< the scale exponent is bounded to ±clamp
    //! Width of Bob's lost-part estimator l̂ = g(ẑ_c) (a sub-network like Φ); 0 = none.
    int lost_estimator_width = 0;
    //! Keyed hiding (secure_link.h): trained on private latents scrambled under random keys;
    //! it works only with a key, and a keyless INN only without one.
    bool keyed = false;
    int scramble_rounds = 3; //!< rounds of the keyed transform (stego_key.h), when keyed

    nlohmann::json to_json() const;
    static inn_config from_json(const nlohmann::json& j);
};

//! Φ, ρ or η: three 3×3 convolutions with LeakyReLU, the last zero-initialised.
class coupling_subnet_impl : public torch::nn::Module
{
public:
    coupling_subnet_impl(int channels, int width);
    torch::Tensor forward(const torch::Tensor& x);

private:
    torch::nn::Conv2d d_c1 { nullptr }, d_c2 { nullptr }, d_c3 { nullptr };
};
TORCH_MODULE_IMPL(coupling_subnet, coupling_subnet_impl);

//! One invertible block (MISSION.md): z_h += Φ(z_p); z_p = z_p ⊙ exp(ρ(z_h)) + η(z_h).
class inn_block_impl : public torch::nn::Module
{
public:
    inn_block_impl(const inn_config& cfg);
    void forward(torch::Tensor& zh, torch::Tensor& zp);
    void inverse(torch::Tensor& zh, torch::Tensor& zp);

private:
    torch::Tensor log_scale(const torch::Tensor& zh); //!< clamp·(2·sigmoid(ρ(z_h)) − 1)
    double d_clamp;
    coupling_subnet d_phi { nullptr }, d_rho { nullptr }, d_eta { nullptr };
};
TORCH_MODULE_IMPL(inn_block, inn_block_impl);

struct inn_output {
    torch::Tensor container; //!< z_c, the z_h branch: what is transmitted
    torch::Tensor lost; //!< l, the z_p branch: discarded by Alice
};
struct inn_recovery {
    torch::Tensor host; //!< ẑ_h
    torch::Tensor secret; //!< ẑ_p, decoded by Bob with D
};

class inn_impl : public torch::nn::Module
{
public:
    explicit inn_impl(const inn_config& cfg);
    //! (z_h, z_p) → (z_c, l).
    inn_output embed(const torch::Tensor& zh, const torch::Tensor& zp);
    //! (ẑ_c, l̂) → (ẑ_h, ẑ_p), the blocks inverted from the last.
    inn_recovery extract(const torch::Tensor& zc, const torch::Tensor& lost);
    //! Bob's learned estimate of l from the received container (needs the estimator).
    torch::Tensor estimate_lost(const torch::Tensor& zc);
    bool has_lost_estimator() const { return !d_lost_estimator.is_empty(); }
    const inn_config& config() const { return d_cfg; }

private:
    inn_config d_cfg;
    torch::nn::ModuleList d_blocks { nullptr };
    coupling_subnet d_lost_estimator { nullptr };
};
TORCH_MODULE_IMPL(inn, inn_impl);

//! A copy of `net` with a new (zero-output) lost-part estimator of `width` channels.
inn with_lost_estimator(inn& net, int width);

//! How Bob fills the discarded part l̂.
struct lost_part_mode {
    //! automatic: the INN's estimator when it has one, else zeros.
    enum class kind {
        automatic,
        zeros,
        constant,
        gaussian,
        estimated
    } type
        = kind::automatic;
    double value = 0.0; //!< the constant, or the Gaussian's standard deviation
    uint64_t seed = 0; //!< for the Gaussian sample
    //! Parses "auto", "zeros", "constant:V", "gaussian:STD[:SEED]" or "estimated".
    static lost_part_mode parse(const std::string& text);
    std::string to_string() const;
    //! What this mode means for `net`: "auto" becomes "estimated" or "zeros".
    lost_part_mode resolved(const inn_impl& net) const;
};
//! l̂ for the received container `zc` (throws for "estimated" when `net` has no estimator).
torch::Tensor
make_lost_part(const lost_part_mode& mode, const torch::Tensor& zc, inn_impl& net);
//! Throws semsteg::error when `mode` needs an estimator that the INN (from `path`) lacks.
void check_lost_part_mode(const lost_part_mode& mode,
                          const inn_impl& net,
                          const std::string& path);

// ---------------------------------------------------------------- Eve's detector

struct detector_config {
    int channels = 8;
    int width = 32;
    nlohmann::json to_json() const;
    static detector_config from_json(const nlohmann::json& j);
};

//! Steganalysis: received latent → logit that it is a container (not a plain host latent).
class detector_impl : public torch::nn::Module
{
public:
    explicit detector_impl(const detector_config& cfg);
    torch::Tensor forward(const torch::Tensor& latent); //!< [B] logits

private:
    torch::nn::Conv2d d_c1 { nullptr }, d_c2 { nullptr }, d_c3 { nullptr };
    torch::nn::Linear d_fc { nullptr };
};
TORCH_MODULE_IMPL(detector, detector_impl);

//! Eve's inverse network for the model-inversion attack: a decoder trained by Eve.
struct mia_config {
    int channels = 8;
    int width = 128;
    nlohmann::json to_json() const;
    static mia_config from_json(const nlohmann::json& j);
};

/*!
 * Eve's key-agnostic extractor (E6) or known-plaintext extractor (E7): a decoder (the
 * architecture above) from 2C channels — the received container and what the public INN
 * gives back from it without the key (secure_link.h's eve_extractor_input) — to the
 * private image.
 */
struct extractor_config {
    int channels = 8; //!< C, the latent's channels (the network reads 2C)
    int width = 128;
    //! "e6": trained on containers under keys of Eve's own; "e7": on N (received
    //! container, private image) pairs of Alice's traffic under Alice's key
    std::string attack = "e6";
    int known_pairs = 0; //!< N for e7
    nlohmann::json to_json() const;
    static extractor_config from_json(const nlohmann::json& j);
};

// ---------------------------------------------------------------- channels

/*!
 * The latent-domain channel on unit-power latents [B, C, H, W] (see latent_symbols.h), as
 * channel.h specifies it: AWGN at Es/N0 per latent symbol, or Rayleigh block fading
 * equalised with the known h (zero forcing: ŷ = y / h). A channel with waveform impairments
 * (CFO, multipath, timing, clock) is refused: those are the PHY's. Seeded and reproducible
 * through the generator passed in.
 */

//! The received latent (the SNR of each image drawn by channel_snr, then the noise).
torch::Tensor
apply_channel(const torch::Tensor& latent, const channel_config& cfg, torch::Generator& gen);

/*!
 * The SNR of each of `batch` images [B] (CPU, dB): the configured one, or drawn uniformly
 * from the range. "none" gives 100 dB (what an SNR-adaptive decoder is told for a perfect
 * channel).
 */
torch::Tensor channel_snr(const channel_config& cfg, int64_t batch, torch::Generator& gen);
//! The received latent at the given SNR per image [B] (from channel_snr: the SNR an
//! SNR-adaptive encoder and decoder are given is the one the noise is drawn at).
torch::Tensor apply_channel_at_snr(const torch::Tensor& latent,
                                   const channel_config& cfg,
                                   const torch::Tensor& snr_db,
                                   torch::Generator& gen);

// ---------------------------------------------------------------- conversions, model I/O

//! images ↔ tensors [B,3,H,W]; all images must have the same size.
torch::Tensor images_to_tensor(const std::vector<image>& images);
std::vector<image> tensor_to_images(const torch::Tensor& batch);

//! Copies every parameter and buffer of `module` into a model file record.
model_file module_to_model_file(torch::nn::Module& module,
                                const std::string& kind,
                                const nlohmann::json& config);
//! Loads a record into `module`: every name must be present with the right shape and no
//! extra names may exist; otherwise semsteg::error naming expected vs found.
void load_module_state(torch::nn::Module& module,
                       const model_file& file,
                       const std::string& path_for_errors);

void save_module(const std::string& path,
                 torch::nn::Module& module,
                 const std::string& kind,
                 const nlohmann::json& config,
                 const std::map<std::string, std::string>& info = {});

//! Typed loaders: read the config from the file, build the network, load its weights.
jscc_codec load_jscc(const std::string& path);
inn load_inn(const std::string& path);
decoder load_mia(const std::string& path);
detector load_detector(const std::string& path);
decoder load_extractor(const std::string& path, extractor_config* config = nullptr);

//! Model-file kinds.
constexpr const char* kind_jscc = "jscc";
constexpr const char* kind_inn = "inn";
constexpr const char* kind_mia = "eve-mia";
constexpr const char* kind_detector = "eve-detector";
constexpr const char* kind_extractor = "eve-extractor";

} // namespace semsteg

#endif
