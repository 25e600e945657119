// The report of `crmctl report --html` as one self-contained HTML page: inline CSS
// and inline SVG charts, no scripts, nothing fetched (a Content-Security-Policy of
// default-src 'none' makes sure of it).
#ifndef CRM_CLIENTS_CRMCTL_REPORT_HTML_H_
#define CRM_CLIENTS_CRMCTL_REPORT_HTML_H_

#include <string>

#include "clients/crmctl/report_data.h"

namespace crm::crmctl {

// The page: a header (tenant, analysis run, generation time, key figures), then the
// sections RFM segments, Pareto curve, CLV distribution, lifecycle stages, gap
// analysis, store clusters and campaigns; a section without data shows its note.
std::string RenderReportHtml(const ReportData& data);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_REPORT_HTML_H_
