/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_INN_H
#define INCLUDED_SEMSTEG_INN_H

/*!
 * \file inn.h
 * The steganography INN (Alice's embedding, Bob's extraction) and how Bob fills the lost part.

 * Tensors: images are float [B, 3, H, W] in [0,1]; latents are float [B, C, H/4, W/4] with
 * unit mean complex-symbol power per image (see latent_symbols.h for the I/Q pairing).
 * A torch header: include it only where torch is needed (the facades, semantic.h, are
 * torch-free).
 */

#include <nlohmann/json.hpp>

#include <torch/torch.h>

namespace semsteg {

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
    /*!
     * Payload: 1 hides the whole private latent (full payload); s > 1 hides the latent of
     * the private image downscaled s times, its s² × smaller spatial grid folded into
     * payload()/s² channels of the host's grid (secure_link.h: private_latent). The secret
     * branch then has secret_channels() channels; the container keeps all of them.
     */
    int private_downscale = 1;
    //! Channels of the payload's codec latent (a private codec of its own, at a lower rate:
    //! fewer channels); 0: `channels` (the public codec's).
    int payload_channels = 0;
    /*!
     * Alice sends E(D(z_c)), the container through the public codec's round trip at her
     * encoding SNR, not z_c: what goes on the air is the codec's latent of an image (its
     * range), as a plain latent is, and the INN learns to put the payload where the round
     * trip keeps it (secure_link.h: alice_embed).
     */
    bool codec_round_trip = false;
    /*!
     * With codec_round_trip: Alice adds back what the codec loses of the host image before
     * re-encoding, E(D(z_c) + x_h − D(z_h)), so that with nothing hidden she would send
     * E(x_h), a plain latent, and not the round trip's smoother E(D(z_h)). Embedding needs
     * the host image (codec_range::host_image).
     */
    bool round_trip_host_detail = false;
    int payload() const { return payload_channels > 0 ? payload_channels : channels; }
    //! K, the secret branch's channels: the payload's, folded s² times fewer (s² × more
    //! grid cells are folded in: K = payload / s² on the host's grid).
    int secret_channels() const
    {
        return payload() / (private_downscale * private_downscale);
    }
    //! Whether the whole private latent of the public codec is hidden (no reduced payload).
    bool full_payload() const { return private_downscale == 1 && payload() == channels; }

    nlohmann::json to_json() const;
    static inn_config from_json(const nlohmann::json& j);
    void validate() const; //!< throws semsteg::error for a payload the channels cannot hold
};

//! Φ, ρ or η: three 3×3 convolutions with LeakyReLU, the last zero-initialised.
class coupling_subnet_impl : public torch::nn::Module
{
public:
    coupling_subnet_impl(int in_channels, int out_channels, int width);
    torch::Tensor forward(const torch::Tensor& x);

private:
    torch::nn::Conv2d d_c1 { nullptr }, d_c2 { nullptr }, d_c3 { nullptr };
};
TORCH_MODULE_IMPL(coupling_subnet, coupling_subnet_impl);

//! One invertible block: z_h += Φ(z_p); z_p = z_p ⊙ exp(ρ(z_h)) + η(z_h) (Φ: K → C
//! channels, ρ and η: C → K, with C the host's channels and K the secret branch's).
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
    //! (z_h, z_p) → (z_c, l); z_h [B,C,h,w], z_p and l [B,K,h,w] (K = secret_channels()).
    inn_output embed(const torch::Tensor& zh, const torch::Tensor& zp);
    //! (ẑ_c, l̂) → (ẑ_h, ẑ_p), the blocks inverted from the last.
    inn_recovery extract(const torch::Tensor& zc, const torch::Tensor& lost);
    //! Bob's learned estimate of l from the received container (needs the estimator).
    torch::Tensor estimate_lost(const torch::Tensor& zc);
    //! The shape of l (and of ẑ_p) for a container `zc`.
    std::vector<int64_t> lost_shape(const torch::Tensor& zc) const;
    bool has_lost_estimator() const { return !d_lost_estimator.is_empty(); }
    const inn_config& config() const { return d_cfg; }

private:
    inn_config d_cfg;
    torch::nn::ModuleList d_blocks { nullptr };
    coupling_subnet d_lost_estimator { nullptr };
};
TORCH_MODULE_IMPL(inn, inn_impl);

//! `net`'s weights in a network built from `cfg`: a changed key, a changed signal path, or a
//! new part (fresh, e.g. a lost-part estimator) around the same trained blocks.
inn with_config(inn& net, const inn_config& cfg);

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

} // namespace semsteg

#endif
