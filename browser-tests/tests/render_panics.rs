//! Server-side rendering never panics: every page rendered 300 times by the real
//! frontend binary against the real services, and not one panic in its output. (On a
//! multi-threaded runtime Leptos' `<Transition>` panicked in about one render in a hundred
//! of `/favorites`: see `frontend::server`'s `Service` implementation.)

use browser_tests::Stack;
use test_support::shared_mongo;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_hundred_renders_of_every_page_and_no_panic() {
    let stack = Stack::start(&shared_mongo().fresh_db("browser-renders"));
    let http = reqwest::Client::new();
    for path in ["/", "/favorites", "/network"] {
        // four at a time, as several browsers would
        let mut handles = vec![];
        for worker in 0..4 {
            let http = http.clone();
            let url = stack.page(path);
            handles.push(tokio::spawn(async move {
                for _ in 0..75 {
                    let res = http.get(&url).send().await.expect("GET");
                    assert_eq!(res.status(), 200, "{url} (worker {worker})");
                    let body = res.text().await.unwrap();
                    assert!(body.contains("</html>"), "{url}: an incomplete page");
                }
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
    }
    let out = stack.frontend.output();
    let panics = out.matches("panicked").count();
    assert_eq!(panics, 0, "{panics} panics in 900 renders:\n{out}");
}
