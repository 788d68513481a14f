#include <gtest/gtest.h>

#include "tickwire/engine/input_state.hpp"

namespace tickwire::engine {
namespace {

TEST(InputState, PressedIsOneFrameDownIsUntilReleased) {
    InputState input;
    input.begin_frame();
    input.key_event(Key::kW, true, false);
    EXPECT_TRUE(input.pressed(Key::kW));
    EXPECT_TRUE(input.down(Key::kW));
    input.begin_frame();
    input.key_event(Key::kW, true, true);  // auto-repeat
    EXPECT_FALSE(input.pressed(Key::kW));
    EXPECT_TRUE(input.typed(Key::kW));
    EXPECT_TRUE(input.down(Key::kW));
    input.begin_frame();
    input.key_event(Key::kW, false, false);
    EXPECT_TRUE(input.released(Key::kW));
    EXPECT_FALSE(input.down(Key::kW));
    input.begin_frame();
    EXPECT_FALSE(input.released(Key::kW));
}

TEST(InputState, PressAndReleaseInOneFrameIsStillSeen) {
    InputState input;
    input.begin_frame();
    input.key_event(Key::kSpace, true, false);
    input.key_event(Key::kSpace, false, false);
    EXPECT_TRUE(input.pressed(Key::kSpace));
    EXPECT_TRUE(input.released(Key::kSpace));
    EXPECT_FALSE(input.down(Key::kSpace));
}

TEST(InputState, MouseWheelAndTextAreReset) {
    InputState input;
    input.begin_frame();
    input.mouse_motion(10, 20);
    input.mouse_button_event(MouseButton::kLeft, true);
    input.wheel(0, 2);
    input.wheel(0, 1);
    input.add_text("hé");
    EXPECT_TRUE(input.mouse_pressed(MouseButton::kLeft));
    EXPECT_EQ(input.wheel_y(), 3);
    EXPECT_EQ(input.text(), "hé");
    input.begin_frame();
    EXPECT_TRUE(input.mouse_down(MouseButton::kLeft));
    EXPECT_FALSE(input.mouse_pressed(MouseButton::kLeft));
    EXPECT_EQ(input.wheel_y(), 0);
    EXPECT_TRUE(input.text().empty());
    EXPECT_EQ(input.mouse_x(), 10);
    EXPECT_EQ(input.mouse_y(), 20);
}

TEST(InputState, FocusLossReleasesEverything) {
    InputState input;
    input.key_event(Key::kA, true, false);
    input.mouse_button_event(MouseButton::kRight, true);
    input.begin_frame();
    input.release_all();
    EXPECT_FALSE(input.down(Key::kA));
    EXPECT_TRUE(input.released(Key::kA));
    EXPECT_TRUE(input.mouse_released(MouseButton::kRight));
}

TEST(TextField, TypesBackspacesWholeCodePointsAndSubmitsOnEnter) {
    InputState input;
    TextField field(16);
    input.begin_frame();
    input.add_text("gg ça");
    EXPECT_FALSE(field.update(input));
    EXPECT_EQ(field.text(), "gg ça");
    input.begin_frame();
    input.key_event(Key::kBackspace, true, false);
    field.update(input);
    EXPECT_EQ(field.text(), "gg ç");
    input.begin_frame();
    input.key_event(Key::kBackspace, true, true);  // held: repeats
    field.update(input);
    EXPECT_EQ(field.text(), "gg ");
    input.begin_frame();
    input.key_event(Key::kEnter, true, false);
    EXPECT_TRUE(field.update(input));
}

TEST(TextField, LimitNeverCutsACodePoint) {
    InputState input;
    TextField field(4);
    input.begin_frame();
    input.add_text("abc€");  // '€' is 3 bytes: does not fit in the last byte
    field.update(input);
    EXPECT_EQ(field.text(), "abc");
}

}  // namespace
}  // namespace tickwire::engine
