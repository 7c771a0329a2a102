/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_IMAGE_SINK_H
#define INCLUDED_SEMSTEG_IMAGE_SINK_H

#include <cstdint>
#include <gnuradio/block.h>
#include <gnuradio/semsteg/api.h>
#include <string>

namespace gr {
namespace semsteg {

/*!
 * \brief Writes received images as PNG and measures them against the sent images.
 * \ingroup semsteg
 *
 * \details
 * Port "in": received image PDUs. Ports "ref" and "ref_host" (optional): the sent private
 * and host images (image PDUs; in a simulation, connect the image sources), matched to the
 * received ones by "image_id" (a container's host by "host_image_id"). For every received
 * image the sink writes `<output_dir>/<prefix>_<image_id>.png` (unless output_dir is
 * empty), measures PSNR / MS-SSIM against its references when they have arrived, logs a
 * line (with the latency since its reference was sent, when known), and sends a metrics
 * dict on port "metrics" ("image_id", "role", "psnr_db", "ms_ssim", "psnr_db_host",
 * "ms_ssim_host", "latency_s"). It keeps counts and running means; once the flowgraph has
 * stopped, measurements still under way are counted but not sent. With `measure` false it
 * measures nothing (no PSNR / MS-SSIM: only the latency, from the references' arrival),
 * for a throughput run whose receivers, like a real Bob's, do not grade. At most
 * `max_refs` references are kept per port (the oldest go first). Malformed PDUs are logged
 * and dropped; a PNG that cannot be written is logged, and counting goes on.
 */
class SEMSTEG_API image_sink : virtual public gr::block
{
public:
    typedef std::shared_ptr<image_sink> sptr;

    /*!
     * \param output_dir folder for the PNG files (created; "" writes none)
     * \param prefix file-name prefix (e.g. "bob")
     * \param max_refs references kept per reference port
     * \param log_each log one line per image (else only errors)
     * \param measure measure PSNR / MS-SSIM against the references (else latency only)
     */
    static sptr make(const std::string& output_dir = "",
                     const std::string& prefix = "image",
                     int max_refs = 1024,
                     bool log_each = true,
                     bool measure = true);

    virtual uint64_t received() const = 0;
    virtual uint64_t dropped() const = 0;
    //! Images measured against a private ("ref") reference, and their mean PSNR / MS-SSIM.
    virtual uint64_t measured() const = 0;
    virtual double mean_psnr_db() const = 0;
    virtual double mean_ms_ssim() const = 0;
    //! The same against host references.
    virtual uint64_t measured_host() const = 0;
    virtual double mean_psnr_db_host() const = 0;
    virtual double mean_ms_ssim_host() const = 0;
    //! Number of distinct image_ids received.
    virtual uint64_t distinct_images() const = 0;
    /*!
     * End-to-end latency of the images received while their private ("ref") reference was
     * held: seconds from the reference's arrival (Alice sending the image) to the image's.
     * `quantile` in [0, 1] (0.5: the median, 0.99: p99); 0 when none was measured.
     */
    virtual double latency_s(double quantile) const = 0;
};

} // namespace semsteg
} // namespace gr

#endif /* INCLUDED_SEMSTEG_IMAGE_SINK_H */
