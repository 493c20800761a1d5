import { alertRulesFix, defineStack, each, V } from './api.js';

export default defineStack({
  id: 'rails',
  name: 'Ruby on Rails',
  kind: 'framework',
  version: 'Rails 7/8',
  signals: [
    { says: "Rails' `X-Runtime` with `X-Request-Id`", header: ['x-runtime', /^\d+\.\d+$/], alsoHeader: ['x-request-id', /./] },
    {
      says: "Rails' default 404 page (`The page you were looking for doesn't exist.`)",
      status: 404,
      body: /The page you were looking for doesn.t exist/,
    },
    { says: 'a Rails `_…_session` cookie', weight: 1, cookie: /^_[a-z0-9_]+_session$/ },
  ],
  fixes: {
    ...each(V.listCap, {
      fix: 'Paginate with a capped page size (pagy: limit_max, kaminari: max_per_page).',
      language: 'ruby',
      snippet: `# config/initializers/pagy.rb
Pagy::DEFAULT[:limit] = 50
Pagy::DEFAULT[:limit_max] = 100
Pagy::DEFAULT[:limit_param] = :limit`,
    }),
    ...each(V.pagination, {
      fix: "Use keyset pagination (pagy keyset) and return the next page's cursor, nil on the last page.",
      language: 'ruby',
      snippet: `pagy, orders = pagy_keyset(Order.order(:id), limit: 50)
render json: { data: orders, next_cursor: pagy.next }`,
    }),
    ...each(V.bodySize, {
      fix: 'Rails reads any body: cap it in the web server or proxy (Puma has no body cap; nginx client_max_body_size), and refuse by Content-Length in a Rack middleware.',
      language: 'ruby',
      snippet: `class BodyCap
  def initialize(app) = @app = app
  def call(env)
    return [413, { "content-type" => "application/json" }, ['{"code":"too_large"}']] if env["CONTENT_LENGTH"].to_i > 1_048_576
    @app.call(env)
  end
end
config.middleware.insert_before 0, BodyCap`,
    }),
    ...each([...V.errorShape, ...V.leaks], {
      fix: 'Answer errors as JSON in one shape: rescue_from in the API base controller, and exceptions_app for routing errors; keep consider_all_requests_local false in production.',
      language: 'ruby',
      snippet: `class ApiController < ActionController::API
  rescue_from ActiveRecord::RecordNotFound do
    render json: { code: "not_found", message: "not found" }, status: :not_found
  end
end
# config/application.rb
config.exceptions_app = ->(env) { ErrorsController.action(:show).call(env) }`,
    }),
    ...each(V.requestId, {
      fix: 'ActionDispatch::RequestId already does this: make sure it is not removed from the middleware stack and tag the logs with it.',
      language: 'ruby',
      snippet: 'config.log_tags = [:request_id]',
    }),
    ...each(V.cors, {
      fix: 'Use rack-cors with explicit origins.',
      language: 'ruby',
      snippet: `Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow { origins "https://app.example.com"; resource "*", headers: :any, methods: :any, credentials: true }
end`,
    }),
    ...each(V.idempotency, {
      fix: 'Store each Idempotency-Key with the response in the database under a unique index and replay it (e.g. the idempotent-request gem).',
      language: 'ruby',
      snippet:
        'config.middleware.use IdempotentRequest::Middleware, storage: IdempotentRequest::RedisStorage.new(Redis.new), policy: IdempotentRequestPolicy',
    }),
    ...each(V.background, {
      fix: 'Enqueue an Active Job and answer 202 with where to poll.',
      language: 'ruby',
      snippet: `def create
  job = ImportJob.perform_later(import_params.to_h)
  render json: { id: job.job_id, status: "queued" }, status: :accepted, location: import_url(job.job_id)
end`,
    }),
    ...each(V.defaultDeny, {
      fix: 'Authenticate in the base API controller and skip it only in the few public actions.',
      language: 'ruby',
      snippet: `class ApiController < ActionController::API
  before_action :authenticate!
end
class HealthController < ApiController
  skip_before_action :authenticate!
end`,
    }),
    ...each(V.adminSurface, {
      fix: 'Route admin engines (and the job dashboard) only behind authentication, or only on the internal host.',
      language: 'ruby',
      snippet: `authenticate :user, ->(u) { u.admin? } do
  mount Sidekiq::Web => "/admin/sidekiq"
end`,
    }),
    ...each(V.metrics, {
      fix: 'Add yabeda-rails with yabeda-prometheus: every controller action is counted (rails_requests_total by controller, action, status, method) and timed (rails_request_duration_seconds histogram). Requests no route matches never reach a controller, so send them to one with a catch-all route; name the metrics in the audit config (observability.metrics.requestMetric: rails_requests_total, durationMetric: rails_request_duration_seconds).',
      language: 'ruby',
      snippet: `# Gemfile
gem "yabeda-rails"
gem "yabeda-prometheus"

# config.ru, before run Rails.application: serves GET /metrics
use Yabeda::Prometheus::Exporter

# config/routes.rb, last: unknown paths become a counted 404
match "*path", to: "errors#not_found", via: :all`,
    }),
    ...each(V.metricLabels, {
      fix: 'Label by controller and action (yabeda-rails does), never request.path or PATH_INFO.',
      language: 'ruby',
      snippet: `# in a controller (or a yabeda-rails custom tag): what Rails routed to, never request.path
route = "#{controller_path}##{action_name}" # "orders#show", not "/orders/42"`,
    }),
    ...each(
      V.alertRules,
      alertRulesFix(
        { requests: 'rails_requests_total', errors: 'status=~"5.."', buckets: 'rails_request_duration_seconds_bucket' },
        'yabeda-rails',
      ),
    ),
    ...each(V.requestLogs, {
      fix: 'Use lograge with its JSON formatter: one line per request with method, path, controller, action, status and duration (and an error field when the action raised); add the request id to it.',
      language: 'ruby',
      snippet: `# config/environments/production.rb
config.lograge.enabled = true
config.lograge.formatter = Lograge::Formatters::Json.new
config.lograge.custom_payload do |controller|
  { request_id: controller.request.request_id }
end`,
    }),
    ...each(V.logCredentials, {
      fix: 'Rails filters logged params by config.filter_parameters but never filters headers you log yourself: add the header names and pass anything you log through the same filter; rotate what was logged.',
      language: 'ruby',
      snippet: `config.filter_parameters += [:authorization, :cookie]

filter = ActiveSupport::ParameterFilter.new(Rails.application.config.filter_parameters)
Rails.logger.info(filter.filter(request.headers.env.select { |k, _| k.start_with?("HTTP_") }))`,
    }),
  },
});
