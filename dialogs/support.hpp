#pragma once
// Step 3 of the method, ensure support (做好保障, issue 11): training records, equipment in stock
// and handed out, risk levels of buildings and areas, the gate that keeps a volunteer who is not
// trained and equipped off a high-risk post, and the meals, transport and insurance of a shift.
// Decisions only: they read and write the store inside the turn's unit of work.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialogs/dialog.hpp"
#include "dialogs/turn.hpp"

namespace linli::support {

// The method's three courses and four kinds of equipment, built into every community; a
// community adds its own by name. Codes are stored; names are shown in the reader's language.
std::string course_name(std::string_view code, Lang l);
std::string item_name(std::string_view code, Lang l);
// A course of the community as typed (its code, Chinese or English name, or its own name);
// nullopt when it has none of that name.
std::optional<std::string> find_course(Turn& turn, const std::string& community_id,
                                       std::string_view typed);
// An item as typed: a built-in one's code, else the name as typed (a community's own item);
// nullopt when it cannot be a name.
std::optional<std::string> item_code(std::string_view typed);
// Every course of a community (the method's, then its own), and every item (the method's, then
// those in its stock), numbered as the post dialog lists them.
std::vector<std::string> all_courses(Turn& turn, const std::string& community_id);
std::vector<std::string> all_items(Turn& turn, const std::string& community_id);

// Where a risk level applies, as people name it: "31栋" → "31"; a place in words as typed.
std::string area_key(std::string_view typed);
// The level set for the area a post is in, if any.
std::optional<bool> area_high(Store& store, const Post& p);
// A post's risk: its place's when the coordinator left it to the place, else as answered.
bool high_risk(Store& store, const Post& p);
// What `person` still lacks for post `p` ("培训 防疫知识；装备 口罩"), "" when nothing (or when
// the post is not high-risk).
std::string missing(Turn& turn, const Post& p, std::int64_t person, Lang l);

// Commands.
void train(Turn& turn, std::string_view args);   // /train, 培训
void stock(Turn& turn, std::string_view args);   // /stock, 库存
void issue(Turn& turn, std::string_view args);   // /issue, 发放
void risk(Turn& turn, std::string_view args);    // /risk, 风险
void supply(Turn& turn, std::string_view args);  // /supply, 保障

// The post dialog: the answers that start an edit (risk as the place's, courses, items), and
// saving them with the post.
void edit_answers(Store& store, std::int64_t post_id, Answers& answers);
void save_post_support(Turn& turn, std::int64_t post_id, const Answers& answers);
// A post edited with /post N whose risk or needs changed (it was `was_high`, needing `was`):
// the coordinators are told who on it no longer qualifies, as after /risk.
void recheck_post(Turn& turn, std::int64_t post_id, bool was_high,
                  const std::optional<PostSupport>& was);
// One post's line of such a re-check, in language `l`.
std::string recheck_line(Turn& turn, const Post& p, Lang l);
// Lines for /roster and /stats: a post's risk, needs and shift support; today's shifts with
// their meals, transport and insurance; the active/reserve split of the pool.
std::string roster_lines(Turn& turn, const Post& p);
// The method's active/reserve split of a community's pool (做好志愿者储备), the one definition
// /stats and /roster show and reserve offers keep to (assignments::rank_for_post): active =
// approved volunteers of the community with a place (taken, or held during a review) on one of
// its posts that has not ended (Volunteers::active, Volunteers::has_place); reserve = every other
// approved volunteer (one on a wait-list has no place yet, so is in reserve).
struct PoolSplit {
  int active = 0;
  int reserve = 0;
};
PoolSplit pool_split(Turn& turn, const Community& c);
std::string stats_lines(Turn& turn, const Community& c);

}  // namespace linli::support
