// The malformed-config corpus: every file in tests/data/bad-configs must be
// refused with the message its EXPECTED line names, and the manifest and
// the directory must agree (a file without a line would test nothing).
#include <unistd.h>

#include <filesystem>
#include <set>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kCorpus = std::string(CRUNLITE_TEST_DATA_DIR) + "/bad-configs";

std::vector<std::pair<std::string, std::string>> manifest() {
    std::vector<std::pair<std::string, std::string>> out;
    std::istringstream in(oci_test::slurp(kCorpus + "/EXPECTED"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto tab = line.find('\t');
        REQUIRE_MESSAGE(tab != std::string::npos, "EXPECTED line without a tab: " << line);
        out.emplace_back(line.substr(0, tab), line.substr(tab + 1));
    }
    return out;
}

}  // namespace

TEST_CASE("bad-configs: the manifest lists every corpus file, and only those") {
    std::set<std::string> listed;
    for (const auto& [file, expected] : manifest()) {
        CHECK_MESSAGE(listed.insert(file).second, "listed twice: " << file);
        CHECK_MESSAGE(!expected.empty(), "no expected text for " << file);
    }
    std::set<std::string> present;
    for (const auto& entry : fs::directory_iterator(kCorpus)) {
        if (entry.path().extension() == ".json") present.insert(entry.path().filename().string());
    }
    CHECK(listed == present);
    CHECK(present.size() >= 45);
}

TEST_CASE("bad-configs: each file is refused with its expected message") {
    for (const auto& [file, expected] : manifest()) {
        CAPTURE(file);
        CHECK_REFUSED(oci_test::slurp(kCorpus + "/" + file), expected);
    }
}

TEST_CASE("bad-configs: the unbroken base config is accepted") {
    CHECK(oci_test::parse_error(oci_test::slurp(std::string(CRUNLITE_TEST_DATA_DIR) + "/good-configs/runnable.json")) ==
          "");
}

TEST_CASE("load_spec names the file in every error") {
    const fs::path bundle = fs::temp_directory_path() / ("crunlite-oci-test-" + std::to_string(::getpid()));
    fs::create_directories(bundle);
    const std::string config = (bundle / "config.json").string();
    auto write = [&](const std::string& text) { std::ofstream(config, std::ios::trunc) << text; };

    write(oci_test::slurp(kCorpus + "/cwd-relative.json"));
    try {
        oci::load_spec(bundle.string());
        FAIL("accepted");
    } catch (const oci::ConfigError& e) {
        CHECK(std::string(e.what()) == config + ": process.cwd: must be an absolute path, not \"tmp\"");
    }

    write("{]");
    try {
        oci::load_spec(bundle.string());
        FAIL("accepted");
    } catch (const oci::ConfigError& e) {
        CHECK(std::string(e.what()).rfind(config + ": invalid JSON: line 1, column 2", 0) == 0);
    }

    write(oci_test::slurp(std::string(CRUNLITE_TEST_DATA_DIR) + "/good-configs/runnable.json"));
    const oci::Spec spec = oci::load_spec(bundle.string());
    CHECK(spec.process->args == std::vector<std::string>{"/bin/true"});

    fs::remove_all(bundle);
    CHECK_THROWS_AS(oci::load_spec(bundle.string()), common::Error);
}
