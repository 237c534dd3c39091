#include "composite_backend.hpp"

#include <exception>
#include <utility>

namespace pysens2 {
namespace {

class CompositeBackend final : public Backend {
public:
    CompositeBackend(std::string name, std::vector<SourceAssignment> sources)
        : name_(std::move(name)), sources_(std::move(sources)) {}

    const char* name() const override { return name_.c_str(); }
    EventMask supported() const override {
        EventMask mask = 0;
        for (const auto& s : sources_) mask |= s.types;
        return mask;
    }
    std::uint32_t own_session() const override { return sources_.front().backend->own_session(); }
    std::string own_session_name() const override {
        return sources_.front().backend->own_session_name();
    }

    void start(const EventInlet& inlet, const BackendConfig& config) override {
        started_.clear();
        try {
            for (auto& s : sources_) {
                const EventMask wanted = config.mask & s.types;
                if (!wanted) continue;  // nothing asked of this source: not started
                BackendConfig narrowed = config;
                narrowed.mask = wanted;
                s.backend->start(inlet.narrowed(wanted), narrowed);
                started_.push_back(s.backend.get());
            }
        } catch (...) {
            stop_started();  // the start failure is the one to report
            throw;
        }
    }

    void stop() override {
        std::exception_ptr first = stop_started();
        if (first) std::rethrow_exception(first);
    }

private:
    // Stops every started source (last first), whatever each throws.
    std::exception_ptr stop_started() {
        std::exception_ptr first;
        for (auto it = started_.rbegin(); it != started_.rend(); ++it) {
            try {
                (*it)->stop();
            } catch (...) {
                if (!first) first = std::current_exception();
            }
        }
        started_.clear();
        return first;
    }

    std::string name_;
    std::vector<SourceAssignment> sources_;
    std::vector<Backend*> started_;
};

}  // namespace

std::unique_ptr<Backend> make_composite_backend(std::string name,
                                                std::vector<SourceAssignment> sources) {
    return std::make_unique<CompositeBackend>(std::move(name), std::move(sources));
}

}  // namespace pysens2
