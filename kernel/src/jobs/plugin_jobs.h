#pragma once
// The Jobs a plugin's Context hands out: the kernel's JobRunner, with the
// plugin's id attached to what it registers.

#include <string>

#include "agape/jobs.h"
#include "jobs/job_runner.h"

namespace agape::kernel {

class PluginJobs final : public Jobs {
 public:
  PluginJobs(JobRunner& runner, std::string pluginId) : runner_(runner), pluginId_(std::move(pluginId)) {}

  std::string enqueue(std::string_view queue, std::string_view payloadJson, const JobOptions& options,
                      Tx& tx) override {
    return runner_.enqueue(tx, queue, payloadJson, options);
  }
  std::string enqueue(std::string_view queue, std::string_view payloadJson, const JobOptions& options) override {
    return runner_.enqueue(queue, payloadJson, options);
  }
  void handle(std::string queue, JobHandler handler, QueueOptions options) override {
    runner_.addQueue(pluginId_, queue, std::move(handler), options);
  }
  void schedule(std::string name, std::string cron, std::string queue, std::string payloadJson) override {
    runner_.addSchedule(pluginId_, name, cron, queue, payloadJson);
  }
  std::vector<QueueStats> stats() override { return runner_.store().stats(); }
  std::vector<DeadJob> deadLetters(std::string_view queue, int limit) override {
    return runner_.store().deadLetters(queue, limit);
  }
  bool retry(std::string_view jobId) override { return runner_.retry(jobId); }

 private:
  JobRunner& runner_;
  std::string pluginId_;
};

}  // namespace agape::kernel
