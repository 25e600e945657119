#ifndef CRM_SERVER_SERVICES_VALUE_ANALYSIS_SERVICE_H_
#define CRM_SERVER_SERVICES_VALUE_ANALYSIS_SERVICE_H_

#include <string>

#include "crm/v1/value_analysis.grpc.pb.h"
#include "server/analysis_runner.h"
#include "server/rpc/page_token.h"
#include "server/rpc/rpc_runner.h"
#include "storage/analysis_repository.h"
#include "storage/analysis_sources.h"

namespace crm::server {

// ValueAnalysisService: starts runs (executed by the AnalysisRunner), reads their
// stored results, and computes the on-request analyses (services/store_analyses).
class ValueAnalysisService final : public v1::ValueAnalysisService::Service {
 public:
  ValueAnalysisService(RpcRunner& runner, storage::AnalysisRepository& runs, storage::AnalysisSources& sources,
                       AnalysisRunner& analysis_runner, const PageTokenCodec& page_tokens)
      : runner_(runner), runs_(runs), sources_(sources), analysis_runner_(analysis_runner), page_tokens_(page_tokens) {}

  grpc::Status RunAnalysis(grpc::ServerContext* context, const v1::RunAnalysisRequest* request,
                           v1::AnalysisRun* response) override;
  grpc::Status GetAnalysisRun(grpc::ServerContext* context, const v1::GetAnalysisRunRequest* request,
                              v1::AnalysisRun* response) override;
  grpc::Status ListAnalysisRuns(grpc::ServerContext* context, const v1::ListAnalysisRunsRequest* request,
                                v1::ListAnalysisRunsResponse* response) override;
  grpc::Status GetCustomerValue(grpc::ServerContext* context, const v1::GetCustomerValueRequest* request,
                                v1::CustomerValue* response) override;
  grpc::Status ListCustomerValues(grpc::ServerContext* context, const v1::ListCustomerValuesRequest* request,
                                  v1::ListCustomerValuesResponse* response) override;
  grpc::Status GetSegmentSummary(grpc::ServerContext* context, const v1::GetSegmentSummaryRequest* request,
                                 v1::SegmentSummary* response) override;
  grpc::Status GetParetoCurve(grpc::ServerContext* context, const v1::GetParetoCurveRequest* request,
                              v1::ParetoCurve* response) override;
  grpc::Status GetModelFit(grpc::ServerContext* context, const v1::GetModelFitRequest* request,
                           v1::ModelFit* response) override;
  grpc::Status ComputeGapAnalysis(grpc::ServerContext* context, const v1::ComputeGapAnalysisRequest* request,
                                  v1::GapAnalysis* response) override;
  grpc::Status ClusterStores(grpc::ServerContext* context, const v1::ClusterStoresRequest* request,
                             v1::StoreClustering* response) override;
  grpc::Status ComputeBrandValue(grpc::ServerContext* context, const v1::ComputeBrandValueRequest* request,
                                 v1::BrandValue* response) override;
  grpc::Status GetReciprocityMatrix(grpc::ServerContext* context, const v1::GetReciprocityMatrixRequest* request,
                                    v1::ReciprocityMatrix* response) override;

 private:
  // The id of `run` (`analysisRuns/{id}`), or of the current run when it is empty
  // (FAILED_PRECONDITION when the tenant has none yet).
  absl::StatusOr<std::string> ResolveRun(const CallContext& call, absl::string_view run);
  // The report of a run, parsed into `message`.
  absl::Status ReadReport(const CallContext& call, absl::string_view run, int part,
                          google::protobuf::Message* message);

  RpcRunner& runner_;
  storage::AnalysisRepository& runs_;
  storage::AnalysisSources& sources_;
  AnalysisRunner& analysis_runner_;
  const PageTokenCodec& page_tokens_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_VALUE_ANALYSIS_SERVICE_H_
