// The web build's schemas (FlatBuffers runtime from a build-local copy, headers
// from the native flatc) encode and verify in a page exactly as natively.

#include <gtest/gtest.h>

#include "browser_page.hpp"

namespace tickwire::test {
namespace {

TEST(SchemasPage, EncodesAndVerifiesInWebAssembly) {
    const PageRun run = run_page("tests/schemas_page.html", "schemas_page");
    ASSERT_EQ(run.exit_status, 0) << run.transcript();
    EXPECT_EQ(run.field("client_name"), "browser");
    EXPECT_EQ(run.field("damaged_refused_because"), "packet failed verification");
    EXPECT_EQ(run.field("size_t_bytes"), "4");  // wasm32: narrowing from uint64_t needs care
}

}  // namespace
}  // namespace tickwire::test
