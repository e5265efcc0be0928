#pragma once
// Decisions of the five steps with time moved by hand: posts made as the post dialog saves
// them, calls and their cards, roster states, private messages per person.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "dialogs/recruitment.hpp"
#include "dialogs/time_text.hpp"
#include "tests/support/engine_fixture.hpp"

namespace linli::test {

class FiveStepsFixture : public EngineFixture {
 protected:
  // A post starting in `in_hours`, for 4 hours.
  std::int64_t make_post(int headcount, const std::string& building = "31", int in_hours = 26,
                         std::uint32_t skills = 0) {
    Post p;
    p.community_id = "sc";
    p.team = "care";
    p.title = "照看王奶奶";
    p.headcount = headcount;
    p.skills = skills;
    p.building = building;
    p.place = building + "栋";
    p.starts_at = now_ + in_hours * kHour;
    p.ends_at = p.starts_at + 4 * kHour;
    p.created_by = person("zhou");
    p.created_at = now_;
    // As the post dialog saves it: with its reminders armed.
    InboundEvent ev = event("zhou", "zhou");
    Outcome out;
    Turn turn(config_, store_, *dir_, Origin::of(ev), *store_.people.get(person("zhou")), now_,
              out);
    return recruitment::save_post(turn, p);
  }
  std::int64_t add_volunteer(const std::string& user, const std::string& building,
                             std::uint32_t skills = 0) {
    Volunteer v;
    v.person_id = person(user);
    v.community_id = "sc";
    v.name = user;
    v.building = building;
    v.skills = skills;
    v.status = VolunteerStatus::approved;
    store_.volunteers.upsert(v);
    return v.person_id;
  }
  // zhou recruits for post 1; returns the platform id of the card in each group.
  std::map<std::string, std::string> recruit(const std::string& args = "1") {
    auto sent = say("zhou", "zhou", "招募 " + args);
    std::map<std::string, std::string> cards;
    for (const auto& s : sent) {
      if (s.msg.route.rfind("c:", 0) == 0) cards[s.msg.chat] = s.platform_id;
    }
    return cards;
  }
  RosterStatus status(std::int64_t post, const std::string& user) {
    auto e = store_.roster.get(post, person(user));
    return e ? e->status : RosterStatus::gone;
  }
  std::vector<Sent> advance(std::int64_t ms) {
    now_ += ms;
    return fire_due();
  }
  // 李阿姨 confirms a request of `category`: ticket #1. Returns what that sent.
  std::vector<Sent> open_request(const std::string& category, const std::string& details) {
    put_dialog("li", "help", "confirm", "li",
               {{"category", category},
                {"details", details},
                {"address", "31栋2单元501"},
                {"building", "31"},
                {"urgent", "0"}});
    return say("li", "li", "是");
  }
  // `user` submits a sign-up (as 张建国 of building 31): what that sent, the review to zhou
  // among it.
  std::vector<Sent> submit_signup(const std::string& user) {
    put_dialog(user, "signup", "confirm", user,
               {{"name", "张建国"},
                {"phone", "13700000000"},
                {"building", "31"},
                {"skills", "1"},
                {"availability", "晚上"}});
    return say(user, user, "是");
  }
  // The private messages one person got.
  static std::string to(const std::vector<Sent>& sent, const std::string& user) {
    std::string all;
    for (const auto& t : texts_to(sent, user)) all += t + "\n";
    return all;
  }
};

}  // namespace linli::test
