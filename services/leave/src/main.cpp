// The leave service: leave types, holidays, balances and leave requests (port 8002).

#include <stop_token>

#include "http/routes.hpp"
#include "kronos/core/directory.hpp"
#include "kronos/core/service.hpp"

int main() {
    return kronos::core::run_service_main([] {
        kronos::core::Service service({"leave", "0001", 8002});
        kronos::leave::http::bind_routes(service);
        service.add_background_task([&service](std::stop_token stop) {
            kronos::core::run_directory_consumer(service.db(), service.redis(), stop);
        });
        return service.run();
    });
}
