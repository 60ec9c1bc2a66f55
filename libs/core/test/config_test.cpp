#include "kronos/core/config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

using namespace kronos::core;

TEST(Config, MissingRequiredNamesVariable) {
    ::unsetenv("KRONOS_TEST_MISSING");
    try {
        config::required("KRONOS_TEST_MISSING");
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_NE(std::string(error.what()).find("KRONOS_TEST_MISSING"), std::string::npos);
    }
}

TEST(Config, SecretReadFromFile) {
    const std::string path = testing::TempDir() + "kronos_secret";
    std::ofstream(path) << "s3cret\n";
    ::unsetenv("KRONOS_TEST_SECRET");
    ::setenv("KRONOS_TEST_SECRET_FILE", path.c_str(), 1);
    EXPECT_EQ(config::secret("KRONOS_TEST_SECRET"), "s3cret");
    ::unsetenv("KRONOS_TEST_SECRET_FILE");
    std::remove(path.c_str());
}

TEST(Config, SecretAndFileTogetherRejected) {
    ::setenv("KRONOS_TEST_BOTH", "a", 1);
    ::setenv("KRONOS_TEST_BOTH_FILE", "/nonexistent", 1);
    EXPECT_THROW(config::secret("KRONOS_TEST_BOTH"), ConfigError);
    ::unsetenv("KRONOS_TEST_BOTH");
    ::unsetenv("KRONOS_TEST_BOTH_FILE");
}

TEST(Config, MalformedIntegerRejected) {
    ::setenv("KRONOS_TEST_PORT", "80a", 1);
    EXPECT_THROW(config::integer("KRONOS_TEST_PORT", 1, 1, 65535), ConfigError);
    ::setenv("KRONOS_TEST_PORT", "70000", 1);
    EXPECT_THROW(config::integer("KRONOS_TEST_PORT", 1, 1, 65535), ConfigError);
    ::setenv("KRONOS_TEST_PORT", "8001", 1);
    EXPECT_EQ(config::integer("KRONOS_TEST_PORT", 1, 1, 65535), 8001);
    ::unsetenv("KRONOS_TEST_PORT");
}
