#pragma once
// Certificates of service (issue 11): what a volunteer did, for how long, where, signed with a
// verification code anyone can check (/verify, or the page GET /verify/<code>), and revocable by
// a coordinator. The code is made and checked by the Certificates port, which holds the secret.

#include <string>
#include <utility>
#include <vector>

#include "dialogs/records.hpp"

namespace linli {

class Turn;

namespace certificates {

// What a certificate says, as a message and a printable page show it, in its own language.
struct CertificateView {
  std::string title;
  std::string statement;                                  // who, where, when, how long
  std::vector<std::pair<std::string, std::string>> rows;  // label, value
};

CertificateView view(const Certificate& c, int utc_offset_min);
// The view as one message.
std::string text(const Certificate& c, int utc_offset_min);

// /cert [FROM TO] (证明): a certificate of my service; "/cert revoke <code>" for coordinators.
void command(Turn& turn, const std::string& args);
// /verify <code> (验证): anyone.
void verify(Turn& turn, const std::string& args);

}  // namespace certificates
}  // namespace linli
